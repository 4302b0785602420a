package dev.rstt.batch.internal;

import com.github.f4b6a3.ulid.UlidCreator;
import dev.rstt.batch.BatchProperties;
import dev.rstt.batch.session.BatchSettings;
import dev.rstt.batch.session.IdSource;
import dev.rstt.batch.session.Jitter;
import java.util.concurrent.ThreadLocalRandom;

/** The real sources a session core is given: settings from {@code rstt.batch.*}, ULIDs, uniform jitter. */
final class SessionParts {

  private SessionParts() {
  }

  static BatchSettings settings(BatchProperties p) {
    return new BatchSettings(p.minChunk(), p.maxChunk(), p.vadWindow(), p.minSilence(), p.silenceRms(),
        p.quietSearch(), p.idleFlush(), p.sessionRetention(), p.retry().initialBackoff(), p.retry().multiplier(),
        p.retry().jitter(), p.retry().maxBackoff());
  }

  /** Monotonic ULIDs: one per batch chunk ({@code stt_session}). */
  static IdSource ulids() {
    return () -> UlidCreator.getMonotonicUlid().toString();
  }

  static Jitter uniformJitter() {
    return bound -> bound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(bound);
  }
}
