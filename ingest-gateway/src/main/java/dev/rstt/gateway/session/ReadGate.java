package dev.rstt.gateway.session;

import dev.rstt.gateway.GatewayMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * When a session's socket may be read again: once Kafka has caught up with its unacknowledged audio
 * ({@link SessionPublisher#capacity}) and once its pace allows ({@link SessionLimits#audio}). The socket is read one
 * frame at a time, so until then Netty stops reading and TCP pushes back on the app: nothing is buffered and nothing
 * dropped. While it waits, the session's quiet timers are paused: the app's silence is the gateway's doing.
 */
final class ReadGate {

  private final Object lock;
  private final SessionLimits limits;
  private final GatewayMetrics metrics;
  private final Clock clock;
  private final Scheduler timers;

  /** @param lock the monitor that guards {@code limits} (the session) */
  ReadGate(Object lock, SessionLimits limits, GatewayMetrics metrics, Clock clock, Scheduler timers) {
    this.lock = lock;
    this.limits = limits;
    this.metrics = metrics;
    this.clock = clock;
    this.timers = timers;
  }

  /**
   * @param capacity null when Kafka has room now, else completes when it has
   * @param readAtMs the pace's earliest time for the next frame
   * @return empty when the socket may be read at once
   */
  Mono<Void> after(CompletableFuture<Void> capacity, long readAtMs) {
    if (capacity == null && readAtMs <= clock.millis()) {
      return Mono.empty();
    }
    synchronized (lock) {
      limits.paused();
    }
    Mono<Void> kafka = Mono.empty();
    if (capacity != null) {
      metrics.backpressured();
      kafka = Mono.fromFuture(capacity, true);
    }
    return kafka.then(Mono.defer(() -> {
      long waitMs = readAtMs - clock.millis(); // what is left of the pace's wait after Kafka's
      if (waitMs <= 0) {
        return Mono.<Void>empty();
      }
      metrics.paced(Duration.ofMillis(waitMs));
      return Mono.delay(Duration.ofMillis(waitMs), timers).then();
    })).doFinally(signal -> {
      synchronized (lock) {
        limits.resumed(clock.millis());
      }
    });
  }
}
