package dev.rstt.stt.internal;

import com.github.f4b6a3.ulid.UlidCreator;
import dev.rstt.stt.config.SttProperties;
import dev.rstt.stt.session.IdSource;
import dev.rstt.stt.session.Jitter;
import dev.rstt.stt.session.SessionSettings;
import java.util.concurrent.ThreadLocalRandom;

/** The real sources a session core is given: settings from {@code rstt.stt.*}, ULIDs, uniform jitter. */
final class SessionParts {

  private SessionParts() {
  }

  static SessionSettings settings(SttProperties p) {
    return new SessionSettings(p.stallTimeout(), p.finalizeAfter(), p.maxUnfinalized(), p.keepaliveInterval(),
        p.closeTimeout(), p.recoverySpread(), p.recoveryOverlap(), p.reconnectDelay(),
        p.breaker().waitDurationInOpenState(), p.batchInterval(), p.sessionIdleTimeout());
  }

  /** Monotonic ULIDs: one per live connection ({@code stt_session}). */
  static IdSource ulids() {
    return () -> UlidCreator.getMonotonicUlid().toString();
  }

  static Jitter uniformJitter() {
    return bound -> bound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(bound);
  }
}
