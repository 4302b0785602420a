package dev.rstt.gateway.resume;

import dev.rstt.avro.SessionUpdate;
import dev.rstt.avro.StatusEvent;
import dev.rstt.avro.TranscriptSegment;
import dev.rstt.common.logging.SessionMdc;
import dev.rstt.gateway.updates.AppMessages;
import dev.rstt.schemas.Statuses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.util.retry.Retry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The transcript so far, for a resumed socket (docs/CONTRACT.md section 10): read from the merger's
 * {@code /internal/sessions/{id}/transcript} and rendered as the app's frames: one segments upsert with every
 * segment, then the session's state (the latest episode status, when it is not the latest status) and the latest
 * status. When the merger cannot answer (down, restarting, unreachable), the fetch is tried
 * again after a back-off (doubling from {@link #RETRY_MIN} to {@link #RETRY_MAX}) until it answers: the caller stops
 * it by cancelling (the socket went away). A resumed socket is never left without its snapshot.
 */
public final class TranscriptSnapshots {

  private static final Logger log = LoggerFactory.getLogger(TranscriptSnapshots.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  static final Duration RETRY_MIN = Duration.ofMillis(250);
  static final Duration RETRY_MAX = Duration.ofSeconds(5);

  /** The frames to send and the merger revision they show. */
  public record Snapshot(List<String> frames, long revision) {
  }

  private final HttpClient http;
  private final String mergerUrl;

  /** @param authorization the internal credential's Authorization header value for the merger, if any */
  public TranscriptSnapshots(String mergerUrl, Duration timeout, java.util.Optional<String> authorization) {
    this.mergerUrl = mergerUrl.replaceAll("/+$", "");
    this.http = HttpClient.create().responseTimeout(timeout)
        .headers(h -> authorization.ifPresent(value -> h.set("Authorization", value)));
  }

  /**
   * The snapshot of {@code sessionId}: every page of the merger's transcript, read whole again after a back-off for
   * as long as the merger cannot answer (never an error; cancel to give up).
   */
  public Mono<Snapshot> fetch(String sessionId) {
    AtomicInteger failures = new AtomicInteger();
    return Mono.defer(() -> fetchOnce(sessionId))
        .doOnError(e -> {
          if (failures.getAndIncrement() == 0) {
            try (SessionMdc mdc = SessionMdc.of(sessionId)) {
              log.warn("No transcript snapshot yet for the resumed socket ({}): trying again until the merger "
                  + "answers", e.toString());
            }
          }
        })
        .retryWhen(Retry.backoff(Long.MAX_VALUE, RETRY_MIN).maxBackoff(RETRY_MAX))
        .doOnNext(s -> {
          if (failures.get() > 0) {
            try (SessionMdc mdc = SessionMdc.of(sessionId)) {
              log.info("Transcript snapshot for the resumed socket read after {} failed attempt(s)", failures.get());
            }
          }
        });
  }

  /**
   * The snapshot of {@code sessionId}, its frames to {@code out} and then its revision to {@code sent}, fetched
   * until the merger answers or {@code socketGone} signals (the socket's reading ended: nothing is sent then).
   */
  public Mono<Void> send(String sessionId, Consumer<String> out, LongConsumer sent, Mono<?> socketGone) {
    return fetch(sessionId).takeUntilOther(socketGone).doOnNext(s -> {
      s.frames().forEach(out);
      sent.accept(s.revision());
    }).then();
  }

  /** One attempt: every page, or the error of the first that failed. */
  private Mono<Snapshot> fetchOnce(String sessionId) {
    return page(sessionId, null).expand(p -> p.next() == null ? Mono.empty() : page(sessionId, p.next()))
        .collectList().map(TranscriptSnapshots::join);
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

  /**
   * The app's frames for the merger's transcript JSON: the segments upsert, then the statuses that tell the session's
   * state (docs/CONTRACT.md section 10). The latest status alone does not tell whether a degraded episode is open: a
   * session that started degraded hears {@code ready} inside its episode when the live path comes back, before the
   * episode's batch words and its {@code stt_recovered}. So the latest episode status ({@code stt_degraded} or
   * {@code stt_recovered}), when it is not the latest status, comes first, then the latest status. Pure.
   */
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
    JsonNode statuses = node.path("statuses");
    JsonNode latest = null;
    JsonNode episode = null;
    if (statuses.isArray()) {
      for (JsonNode st : statuses) {
        latest = st;
        String name = st.path("status").asString("");
        if (Statuses.STT_DEGRADED.equals(name) || Statuses.STT_RECOVERED.equals(name)) {
          episode = st;
        }
      }
    }
    long revision = node.path("revision").asLong(0);
    SessionUpdate update = SessionUpdate.newBuilder().setSessionId(node.path("session_id").asString(""))
        .setRevision(revision).setSegments(segments).setStatus(latest == null ? null : status(latest))
        .setComplete(node.path("complete").asBoolean()).build();
    List<String> frames = new ArrayList<>(AppMessages.render(update));
    if (episode != null && episode != latest) {
      StatusEvent state = status(episode);
      frames.add(frames.size() - 1, AppMessages.serviceStatus(state.getStatus(), state.getStatusText(),
          state.getMetadata()));
    }
    return new Snapshot(frames, revision);
  }

  private static StatusEvent status(JsonNode st) {
    Map<String, String> metadata = new HashMap<>();
    st.path("metadata").properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asString()));
    return StatusEvent.newBuilder().setStatus(st.path("status").asString()).setStatusText(text(st, "status_text"))
        .setMetadata(metadata).build();
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isNull() || v.isMissingNode() ? null : v.asString();
  }
}
