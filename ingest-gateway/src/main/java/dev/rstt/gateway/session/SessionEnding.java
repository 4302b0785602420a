package dev.rstt.gateway.session;

import dev.rstt.avro.SessionEnded;
import dev.rstt.common.concurrent.AsyncFailures;
import dev.rstt.common.logging.SessionMdc;
import dev.rstt.gateway.GatewayMetrics;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a session ends (docs/CONTRACT.md section 8): SessionEnded only once every earlier record is acknowledged and
 * never over a failed one; the close after stop (1000 once the transcript is complete, 4010 after
 * {@code stop-timeout}, 1013 when Kafka refused audio); a record Kafka refused for good (1013, no SessionEnded).
 * Holds the session's two futures: the transcript is {@link #complete}, the session's records are {@link #ended}.
 */
final class SessionEnding {

  private static final Logger log = LoggerFactory.getLogger(GatewaySession.class);

  private final String id;
  private final SessionPublisher publishing;
  private final SessionOutbound app;
  private final GatewayMetrics metrics;
  private final Duration stopTimeout;
  final CompletableFuture<Void> complete = new CompletableFuture<>();
  final CompletableFuture<Void> ended = new CompletableFuture<>();

  SessionEnding(String id, SessionPublisher publishing, SessionOutbound app, GatewayMetrics metrics,
      Duration stopTimeout) {
    this.id = id;
    this.publishing = publishing;
    this.app = app;
    this.metrics = metrics;
    this.stopTimeout = stopTimeout;
  }

  /** SessionEnded ({@code record}, built when it is due) once every earlier record is acknowledged. */
  CompletableFuture<Placement> endAudio(String reason, Supplier<SessionEnded> record, LongSupplier lastSeq) {
    CompletableFuture<Placement> result = publishing.whenAllAcknowledged()
        .thenCompose(v -> publishing.publish(record.get(), 0));
    result.whenComplete((v, e) -> {
      if (e == null) {
        try (SessionMdc mdc = SessionMdc.of(id)) {
          log.info("SessionEnded({}) acknowledged: last_seq {}", reason, lastSeq.getAsLong());
        }
      }
      ended.complete(null);
    });
    return result;
  }

  /**
   * After stop (or the maximum length, {@code reason} max_duration: 4011 instead of 1000): closes 1000 once the
   * transcript is complete, 4010 after {@code stop-timeout}, 1013 when audio was
   * refused; {@code stillStopping} (run under the session's lock) says whether the session still waits for it.
   */
  void closeAfterStop(String reason, BooleanSupplier stillStopping) {
    complete.copy().orTimeout(stopTimeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
      StopClose close = StopClose.decide(e == null, publishing.failure() != null);
      org.springframework.web.reactive.socket.CloseStatus status = close == StopClose.COMPLETE
          && reason.equals("max_duration") ? SessionLimits.MAX_DURATION_CLOSE : close.status();
      if (!stillStopping.getAsBoolean()) {
        return; // closed meanwhile for another reason (shutdown, slow client, audio lost)
      }
      try (SessionMdc mdc = SessionMdc.of(id)) {
        if (close == StopClose.TRANSCRIPT_PENDING) {
          metrics.rejected("transcript_pending");
          log.warn("Transcript not complete {} after stop ({}): closing {}; the stored transcript completes later",
              stopTimeout, publishing.allAcknowledged() ? "audio stored"
                  : publishing.unackedBytes() + " audio bytes still waiting for Kafka", close.status().getCode());
        } else {
          log.info("Closing {} after {} ({})", status.getCode(), reason, close);
        }
      }
      app.finish(status, close.lastFrames(id));
    });
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
}
