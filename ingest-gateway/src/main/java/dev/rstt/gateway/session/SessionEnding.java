package dev.rstt.gateway.session;

import dev.rstt.avro.SessionEnded;
import dev.rstt.common.concurrent.AsyncFailures;
import dev.rstt.common.logging.SessionMdc;
import dev.rstt.gateway.GatewayMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.reactive.socket.CloseStatus;

/**
 * How a session ends (docs/CONTRACT.md section 8): SessionEnded only once every earlier record is acknowledged and
 * never over a failed one; the close after stop ({@link StopClose}: 1000 once the transcript is complete, 4010 after
 * {@code stop-timeout} but only once the audio and SessionEnded are stored, 1013 {@code audio_not_stored} after
 * {@code stop-store-timeout}, 1013 when Kafka refused audio); a record Kafka refused for good (1013, no
 * SessionEnded). Holds the session's futures: SessionEnded is {@link #stored}, the session's records are
 * {@link #ended} (stored, failed, or handed over); the transcript's completeness is the outbound's.
 */
final class SessionEnding {

  private static final Logger log = LoggerFactory.getLogger(GatewaySession.class);

  private final String id;
  private final SessionPublisher publishing;
  private final SessionOutbound app;
  private final GatewayMetrics metrics;
  private final Duration stopTimeout;
  private final Duration storeTimeout;
  final CompletableFuture<Void> stored = new CompletableFuture<>();
  final CompletableFuture<Void> ended = new CompletableFuture<>();

  SessionEnding(String id, SessionPublisher publishing, SessionOutbound app, GatewayMetrics metrics,
      Duration stopTimeout, Duration storeTimeout) {
    this.id = id;
    this.publishing = publishing;
    this.app = app;
    this.metrics = metrics;
    this.stopTimeout = stopTimeout;
    this.storeTimeout = storeTimeout;
  }

  /** SessionEnded, one per channel ({@code records}, built when due), once every earlier record is acknowledged. */
  CompletableFuture<Placement> endAudio(String reason, Supplier<List<SessionEnded>> records, LongSupplier lastSeq) {
    CompletableFuture<Placement> result = publishing.whenAllAcknowledged()
        .thenCompose(v -> publishAll(records.get()));
    result.whenComplete((v, e) -> {
      if (e == null) {
        info("SessionEnded({}) acknowledged: last_seq {}", reason, lastSeq.getAsLong());
        stored.complete(null);
      }
      ended.complete(null);
    });
    return result;
  }

  /**
   * After stop (or the maximum length, {@code reason} max_duration: 4011 instead of 1000): 1000 as soon as the
   * transcript is complete; after {@code stop-timeout}, 4010 once SessionEnded is stored (never before: the app keeps
   * its audio until then); after {@code stop-store-timeout} without it, 1013 {@code audio_not_stored}, the session
   * still stopping here (a socket that resumes it hears the close once the audio is stored).
   */
  void closeAfterStop(String reason, Object lock, SessionLifecycle life) {
    within(app.complete, stopTimeout)
        .thenCompose(inTime -> inTime ? CompletableFuture.completedFuture(true)
            : within(stored, storeTimeout.minus(stopTimeout)))
        .thenAccept(decided -> {
          if (decided) {
            close(reason, lock, life);
            return;
          }
          synchronized (lock) {
            if (!life.stopping()) {
              return; // closed meanwhile (audio refused, shutdown, slow client)
            }
          }
          metrics.rejected("audio_not_stored");
          try (SessionMdc mdc = SessionMdc.of(id)) {
            log.warn("Audio not stored {} after stop ({} bytes still waiting for Kafka): closing 1013; the session "
                + "stays resumable here until they are", storeTimeout, publishing.unackedBytes());
          }
          app.finish(StopClose.NOT_STORED.status(), StopClose.NOT_STORED.lastFrames(id));
          stored.thenRun(() -> close(reason, lock, life));
        });
  }

  /** The close is due: unless the session closed meanwhile for another reason, under {@code lock}. */
  private void close(String reason, Object lock, SessionLifecycle life) {
    StopClose close = StopClose.decide(app.complete.isDone(), publishing.failure() != null, stored.isDone());
    CloseStatus status = close == StopClose.COMPLETE && reason.equals("max_duration")
        ? SessionLimits.MAX_DURATION_CLOSE : close.status();
    synchronized (lock) {
      if (!life.closeAfterStop()) {
        return; // closed meanwhile for another reason (shutdown, slow client, audio lost)
      }
    }
    if (close == StopClose.TRANSCRIPT_PENDING) {
      metrics.rejected("transcript_pending");
      info("Transcript not complete {} after stop (audio stored): closing {}; the stored transcript completes later",
          stopTimeout, status.getCode());
    } else {
      info("Closing {} after {} ({})", status.getCode(), reason, close);
    }
    app.finish(status, close.lastFrames(id));
  }

  private static CompletableFuture<Boolean> within(CompletableFuture<Void> future, Duration timeout) {
    return future.copy().orTimeout(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS).handle((v, e) -> e == null);
  }

  /** SessionStarted was never acknowledged: {@code records} (SessionEnded) sent best-effort, outside the sequence. */
  void abandon(List<SessionEnded> records) {
    CompletableFuture.allOf(records.stream().map(publishing::publishUnaccounted).toArray(CompletableFuture[]::new))
        .whenComplete((v, e) -> ended.complete(null));
  }

  /** One SessionEnded per channel (docs/CONTRACT.md section 11), in order; completes with the last's placement. */
  private CompletableFuture<Placement> publishAll(List<SessionEnded> records) {
    List<CompletableFuture<Placement>> all = records.stream().map(r -> publishing.publish(r, 0)).toList();
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> all.get(all.size() - 1)
        .join());
  }

  /** Handed over to another gateway: the session's records here are over once {@code drained}. */
  <T> CompletableFuture<T> handedOver(CompletableFuture<T> drained) {
    drained.whenComplete((p, e) -> ended.complete(null));
    return drained;
  }

  /** Kafka refused a record of this session for good: a hole in its sequence, so no SessionEnded, and 1013. */
  void publishFailed(Throwable error, boolean socketOpen) {
    try (SessionMdc mdc = SessionMdc.of(id)) {
      log.error("Kafka refused audio of this session ({}): no SessionEnded will be published{}",
          AsyncFailures.unwrap(error).toString(), socketOpen ? "; closing 1013" : "");
    }
    metrics.rejected("kafka_unavailable");
    app.finish(StopClose.AUDIO_LOST.status(), StopClose.AUDIO_LOST.lastFrames(id));
    ended.complete(null);
  }

  /** One INFO line with the session's id in the logging context. */
  void info(String format, Object... args) {
    try (SessionMdc mdc = SessionMdc.of(id)) {
      log.info(format, args);
    }
  }
}
