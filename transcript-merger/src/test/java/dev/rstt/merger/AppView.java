package dev.rstt.merger;

import dev.rstt.avro.SessionUpdate;
import dev.rstt.avro.TranscriptSegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What an app holds after applying every {@link SessionUpdate}: segments upserted by id, removed ids deleted. */
public final class AppView {

  private final Map<String, TranscriptSegment> segments = new LinkedHashMap<>();
  private long revision;

  public AppView apply(SessionUpdate update) {
    if (update.getRevision() <= revision) {
      throw new AssertionError("revision " + update.getRevision() + " after " + revision);
    }
    revision = update.getRevision();
    update.getRemovedSegmentIds().forEach(segments::remove);
    update.getSegments().forEach(s -> segments.put(s.getId(), s));
    return this;
  }

  public AppView applyAll(List<SessionUpdate> updates) {
    updates.forEach(this::apply);
    return this;
  }

  /** The segments by start time. */
  public List<TranscriptSegment> segments() {
    List<TranscriptSegment> all = new ArrayList<>(segments.values());
    all.sort(Comparator.comparingDouble(TranscriptSegment::getStart));
    return all;
  }

  /** The words the app shows, in segment (start) order. */
  public List<String> words() {
    List<String> words = new ArrayList<>();
    for (TranscriptSegment s : segments()) {
      for (String token : s.getText().split(" ")) {
        if (!token.isBlank()) {
          words.add(token);
        }
      }
    }
    return words;
  }
}
