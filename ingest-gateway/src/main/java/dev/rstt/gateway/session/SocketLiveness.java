package dev.rstt.gateway.session;

import dev.rstt.gateway.GatewayMetrics;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The app socket's side of a session's limits: the rules of {@link SessionLimits} (pace, idle, no audio, length),
 * when to read the socket again ({@link ReadGate}: Kafka's back-pressure and the pace), and the {@code ping} text
 * frame every {@code ping-interval}. A session without a socket (detached for a resume) does not count the time as
 * quiet. Thread-safe on its own monitor (the one {@link ReadGate} guards the limits with).
 */
final class SocketLiveness {

  /** What a periodic tick asks for: a limit reached, or a ping. */
  record Tick(SessionLimits.Verdict limit, boolean ping) {
  }

  private static final Tick NOTHING = new Tick(SessionLimits.Verdict.NONE, false);

  private final Clock clock;
  private final long pingIntervalMs;
  private final SessionLimits limits;
  private final ReadGate gate;
  private long lastPingMs;

  SocketLiveness(Clock clock, SessionSettings settings, int samplesPerSecond, GatewayMetrics metrics,
      Scheduler timers) {
    this.clock = clock;
    this.pingIntervalMs = settings.pingInterval().toMillis();
    this.lastPingMs = clock.millis();
    this.limits = new SessionLimits(settings.limits(), settings.idleTimeout(), samplesPerSecond, lastPingMs);
    this.gate = new ReadGate(this, limits, metrics, clock, timers);
  }

  /** Any inbound message. */
  synchronized void activity() {
    limits.touch(clock.millis());
  }

  /** {@code samples} decoded samples of one frame arrived: the earliest time the next frame may be read. */
  synchronized long audio(long samples) {
    long now = clock.millis();
    return now + limits.audio(samples, now);
  }

  /** Empty when the socket may be read at once; otherwise completes when Kafka and the pace allow. */
  Mono<Void> readGate(CompletableFuture<Void> capacity, long readAtMs) {
    return gate.after(capacity, readAtMs);
  }

  /** The socket went away and the session waits for a resume: its quiet time does not count. */
  synchronized void detached() {
    limits.paused();
  }

  /** A socket attached: counting starts again from now. */
  synchronized void attached() {
    long now = clock.millis();
    limits.resumed(now);
    limits.touch(now);
  }

  /** @param open the session takes audio (the limits count only then); @param alive it has a socket at all */
  synchronized Tick tick(boolean open, boolean alive) {
    long now = clock.millis();
    SessionLimits.Verdict limit = open ? limits.check(now) : SessionLimits.Verdict.NONE;
    if (limit != SessionLimits.Verdict.NONE) {
      return new Tick(limit, false);
    }
    if (alive && now - lastPingMs >= pingIntervalMs) {
      lastPingMs = now;
      return new Tick(SessionLimits.Verdict.NONE, true);
    }
    return NOTHING;
  }
}
