package dev.rstt.gateway.resume;

import dev.rstt.avro.SessionUpdate;
import dev.rstt.avro.StatusEvent;
import dev.rstt.avro.TranscriptSegment;
import dev.rstt.gateway.updates.AppMessages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The transcript so far, for a resumed socket (docs/CONTRACT.md section 10): read from the merger's
 * {@code /internal/sessions/{id}/transcript} and rendered as the app's frames: one segments upsert with every
 * segment, then the latest status. When the merger cannot answer, the socket gets no snapshot (live updates go on;
 * the app can read {@code GET /v1/sessions/{id}/transcript} later).
 */
public final class TranscriptSnapshots {

  private static final Logger log = LoggerFactory.getLogger(TranscriptSnapshots.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The frames to send and the merger revision they show (-1 with no frames: nothing could be read). */
  public record Snapshot(List<String> frames, long revision) {
    static final Snapshot NONE = new Snapshot(List.of(), -1);
  }

  private final HttpClient http;
  private final String mergerUrl;

  /** @param authorization the internal credential's Authorization header value for the merger, if any */
  public TranscriptSnapshots(String mergerUrl, Duration timeout, java.util.Optional<String> authorization) {
    this.mergerUrl = mergerUrl.replaceAll("/+$", "");
    this.http = HttpClient.create().responseTimeout(timeout)
        .headers(h -> authorization.ifPresent(value -> h.set("Authorization", value)));
  }

  /** The snapshot of {@code sessionId} (never an error): every page of the merger's transcript. */
  public Mono<Snapshot> fetch(String sessionId) {
    return page(sessionId, null).expand(p -> p.next() == null ? Mono.empty() : page(sessionId, p.next()))
        .collectList().map(TranscriptSnapshots::join)
        .onErrorResume(e -> {
          log.warn("No transcript snapshot for a resumed socket: {}", e.toString());
          return Mono.just(Snapshot.NONE);
        });
  }

  /** One page of the merger's transcript: its segments (and, on the first, the latest status), and the next cursor. */
  record Page(JsonNode node, String next) {
  }

  private Mono<Page> page(String sessionId, String after) {
    String query = "?limit=1000" + (after == null ? "" : "&after=" + java.net.URLEncoder.encode(after,
        java.nio.charset.StandardCharsets.UTF_8));
    return http.get().uri(mergerUrl + "/internal/sessions/" + sessionId + "/transcript" + query)
        .responseSingle((response, body) -> {
          if (response.status().code() == 404) {
            return Mono.just(new Page(JSON.createObjectNode(), null)); // nothing transcribed yet
          }
          if (response.status().code() != 200) {
            return Mono.error(new IllegalStateException("merger answered " + response.status().code()));
          }
          return body.asString().map(json -> {
            JsonNode node = JSON.readTree(json);
            JsonNode next = node.path("next");
            return new Page(node, next.isNull() || next.isMissingNode() ? null : next.asString());
          });
        });
  }

  /** Every page as one snapshot: all segments, the first page's statuses, the lowest revision seen. Pure. */
  static Snapshot join(List<Page> pages) {
    tools.jackson.databind.node.ObjectNode all = JSON.createObjectNode();
    tools.jackson.databind.node.ArrayNode segments = all.putArray("segments");
    long revision = Long.MAX_VALUE;
    for (Page p : pages) {
      p.node().path("segments").forEach(segments::add);
      revision = Math.min(revision, p.node().path("revision").asLong(0));
    }
    if (!pages.isEmpty()) {
      all.set("statuses", pages.get(0).node().path("statuses"));
      all.set("session_id", pages.get(0).node().path("session_id"));
      all.set("complete", pages.get(pages.size() - 1).node().path("complete"));
    }
    all.put("revision", pages.isEmpty() ? 0 : revision);
    return parse(JSON.writeValueAsString(all));
  }

  /** The app's frames for the merger's transcript JSON. Pure. */
  static Snapshot parse(String json) {
    JsonNode node = JSON.readTree(json);
    List<TranscriptSegment> segments = new ArrayList<>();
    for (JsonNode s : node.path("segments")) {
      segments.add(TranscriptSegment.newBuilder().setId(s.path("id").asString()).setText(s.path("text").asString())
          .setSpeaker(s.path("speaker").asString()).setSpeakerId(s.path("speaker_id").asInt())
          .setIsUser(s.path("is_user").asBoolean()).setPersonId(text(s, "person_id"))
          .setStart(s.path("start").asDouble()).setEnd(s.path("end").asDouble())
          .setSttProvider(text(s, "stt_provider")).setSttSession(text(s, "stt_session")).build());
    }
    StatusEvent status = null;
    JsonNode statuses = node.path("statuses");
    if (statuses.isArray() && !statuses.isEmpty()) {
      JsonNode last = statuses.get(statuses.size() - 1);
      Map<String, String> metadata = new HashMap<>();
      last.path("metadata").properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asString()));
      status = StatusEvent.newBuilder().setStatus(last.path("status").asString())
          .setStatusText(text(last, "status_text")).setMetadata(metadata).build();
    }
    long revision = node.path("revision").asLong(0);
    SessionUpdate update = SessionUpdate.newBuilder().setSessionId(node.path("session_id").asString(""))
        .setRevision(revision).setSegments(segments).setStatus(status)
        .setComplete(node.path("complete").asBoolean()).build();
    return new Snapshot(AppMessages.render(update), revision);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isNull() || v.isMissingNode() ? null : v.asString();
  }
}
