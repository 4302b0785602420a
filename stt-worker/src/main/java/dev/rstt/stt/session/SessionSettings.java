package dev.rstt.stt.session;

import java.time.Duration;

/**
 * The timing rules of one session (the shell builds them from {@code rstt.stt.*}).
 *
 * @param stallTimeout a socket silent this long while audio older than this is unfinalised is dead
 * @param finalizeAfter unfinalised audio older than this triggers a Finalize
 * @param maxUnfinalized unfinalised audio longer than this triggers a Finalize
 * @param keepaliveInterval KeepAlive after this long without sending
 * @param closeTimeout how long to wait for the close after CloseStream
 * @param recoverySpread degraded sessions return to live jittered over this
 * @param recoveryOverlap audio before the switch re-sent to a recovery connection
 * @param reconnectDelay first retry delay after a failure (doubling per consecutive failure)
 * @param breakerOpenWait the breaker's open wait: the cap of the back-off and the wait after a permanent error
 * @param batchInterval announced in stt_degraded
 * @param sessionIdleTimeout a session without audio and without SessionEnded this long is closed
 */
public record SessionSettings(Duration stallTimeout, Duration finalizeAfter, Duration maxUnfinalized,
    Duration keepaliveInterval, Duration closeTimeout, Duration recoverySpread, Duration recoveryOverlap,
    Duration reconnectDelay, Duration breakerOpenWait, Duration batchInterval, Duration sessionIdleTimeout) {

  /** The defaults of {@code rstt.stt.*}. */
  public static SessionSettings defaults() {
    return new SessionSettings(Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(10),
        Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(1),
        Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMinutes(5));
  }

  /** Samples of {@code recoveryOverlap} at {@code sampleRate}. */
  long overlapSamples(int sampleRate) {
    return sampleRate * recoveryOverlap.toMillis() / 1000;
  }
}
