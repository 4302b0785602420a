package dev.rstt.stt.internal;

import dev.rstt.common.concurrent.Inbox;
import dev.rstt.common.deepgram.DeepgramException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The {@code deepgram-live} breaker as the sessions see it. A permission is taken per connection attempt when a
 * session asks ({@code Effect.AcquirePermission}, answered at once); the attempt's outcome is told exactly once:
 * a refused handshake as it happens, a success when the session says the socket proved itself, a death before
 * that as a failure, and an attempt given up before either as a released permission. Deaths after the proof
 * are reported as failures too. Engine thread only (transitions are posted to it).
 */
final class BreakerGate {

  /** One permitted connection attempt. */
  static final class Attempt {
    private long startedAt;
    private boolean reported;
  }

  private final CircuitBreaker breaker;
  private final LongSupplier nanos;

  BreakerGate(CircuitBreaker breaker, LongSupplier nanos) {
    this.breaker = breaker;
    this.nanos = nanos;
  }

  /** Calls {@code listener} on the engine thread (through {@code inbox}) on every state transition. */
  void onTransition(Inbox inbox, Consumer<CircuitBreaker.StateTransition> listener) {
    breaker.getEventPublisher().onStateTransition(e -> inbox.post(() -> listener.accept(e.getStateTransition())));
  }

  String name() {
    return breaker.getName();
  }

  boolean tryAcquire() {
    return breaker.tryAcquirePermission();
  }

  /** The handshake starts now (a queued attempt's clock starts when it leaves the queue). */
  void started(Attempt a) {
    a.startedAt = nanos.getAsLong();
  }

  void refused(Attempt a, Throwable cause) {
    if (!a.reported) {
      a.reported = true;
      breaker.onError(elapsed(a), TimeUnit.NANOSECONDS, cause);
    }
  }

  void proved(Attempt a) {
    if (!a.reported) {
      a.reported = true;
      breaker.onSuccess(elapsed(a), TimeUnit.NANOSECONDS);
    }
  }

  void died(Attempt a, String reason) {
    a.reported = true;
    breaker.onError(elapsed(a), TimeUnit.NANOSECONDS, DeepgramException.socketDied(reason));
  }

  void abandoned(Attempt a) {
    if (!a.reported) {
      a.reported = true;
      breaker.releasePermission();
    }
  }

  private long elapsed(Attempt a) {
    return nanos.getAsLong() - a.startedAt;
  }
}
