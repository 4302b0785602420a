package dev.rstt.gateway.session;

import dev.rstt.gateway.GatewayMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Mono;

/**
 * Whether the app's socket is alive: the idle timeout ({@link IdleTimer}: no inbound message for
 * {@code idle-timeout}, time the gateway itself does not read not counted), the {@code ping} text frame every
 * {@code ping-interval}, and the back-pressure wait that pauses reading. Thread-safe.
 */
final class SocketLiveness {

  /** What a periodic tick asks for. */
  enum Tick { NOTHING, PING, IDLE }

  private final Clock clock;
  private final Duration pingInterval;
  private final IdleTimer idle;
  private long lastPingMs;

  SocketLiveness(Clock clock, Duration idleTimeout, Duration pingInterval) {
    this.clock = clock;
    this.pingInterval = pingInterval;
    this.lastPingMs = clock.millis();
    this.idle = new IdleTimer(idleTimeout.toMillis(), lastPingMs);
  }

  /** Any inbound message (or a socket attached). */
  synchronized void activity() {
    idle.activity(clock.millis());
  }

  /** @param open the session takes audio (idle counts only then); @param alive it has a socket at all */
  synchronized Tick tick(boolean open, boolean alive) {
    long now = clock.millis();
    if (open && idle.idle(now)) {
      return Tick.IDLE;
    }
    if (alive && now - lastPingMs >= pingInterval.toMillis()) {
      lastPingMs = now;
      return Tick.PING;
    }
    return Tick.NOTHING;
  }

  /**
   * Empty when the socket may be read at once; otherwise completes when Kafka has caught up. While it waits the
   * app's silence does not count as idle.
   */
  Mono<Void> backpressure(SessionPublisher publishing, GatewayMetrics metrics) {
    CompletableFuture<Void> capacity = publishing.capacity();
    if (capacity == null) {
      return Mono.empty();
    }
    synchronized (this) {
      idle.paused();
    }
    metrics.backpressured();
    return Mono.fromFuture(capacity.whenComplete((v, e) -> {
      synchronized (this) {
        idle.resumed(clock.millis());
      }
    }), true);
  }
}
