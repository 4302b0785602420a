package dev.rstt.gateway.session;

import java.time.Duration;

/**
 * Tunables of one session, from {@code rstt.gateway.*} (the gateway README lists them).
 *
 * @param chunkMaxDuration audio per AudioChunk
 * @param chunkMaxDelay longest time audio is held before it is published
 * @param sessionMaxUnackedBytes bytes handed to Kafka and not yet acknowledged at which the socket is not read
 * @param idleTimeout no inbound message for this long closes the socket 1001
 * @param pingInterval period of the text frame {@code ping}
 * @param stopTimeout after {@code stop}, how long to wait for {@code complete} before 4010 (once stored)
 * @param stopStoreTimeout after {@code stop}, how long the socket waits for Kafka to acknowledge the session's audio
 *     and SessionEnded before it is closed 1013 {@code audio_not_stored} (docs/CONTRACT.md section 8)
 * @param limits pace, length and no-audio limits
 */
public record SessionSettings(Duration chunkMaxDuration, Duration chunkMaxDelay, long sessionMaxUnackedBytes,
    Duration idleTimeout, Duration pingInterval, Duration stopTimeout, Duration stopStoreTimeout,
    SessionLimits.Settings limits) {

  public SessionSettings {
    if (stopStoreTimeout.compareTo(stopTimeout) < 0) {
      throw new IllegalArgumentException("stop-store-timeout (" + stopStoreTimeout + ") must not be shorter than "
          + "stop-timeout (" + stopTimeout + ")");
    }
  }
}
