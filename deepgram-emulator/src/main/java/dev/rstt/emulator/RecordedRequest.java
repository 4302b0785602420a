package dev.rstt.emulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code /v1/listen} request as the emulator received it, for tests to assert what a client asked Deepgram for:
 * {@code kind} {@code live} or {@code prerecorded}, the decoded query (every value of a repeated parameter, in
 * order) and the HTTP status the emulator answered with (101 for an accepted live upgrade).
 */
public record RecordedRequest(String kind, Map<String, List<String>> query, int status) {

  public RecordedRequest {
    query = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(query));
  }

  /** Every value of {@code key} (empty when absent). */
  public List<String> values(String key) {
    return query.getOrDefault(key, List.of());
  }

  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", kind);
    m.put("status", status);
    m.put("query", query);
    return m;
  }
}
