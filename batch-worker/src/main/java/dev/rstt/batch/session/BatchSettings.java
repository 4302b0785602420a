package dev.rstt.batch.session;

import dev.rstt.batch.chunking.CutPolicy;
import java.time.Duration;

/**
 * What the session rules need to know of {@code rstt.batch.*} (docs/CONTRACT.md section 5): where to cut, when
 * to flush an idle session, when to forget one, and how long a chunk waits after its request's retries were
 * exhausted.
 *
 * @param minChunk a chunk is cut in silence only once it is at least this long
 * @param maxChunk a chunk never exceeds this; without silence it is cut at the quietest point before it
 * @param vadWindow energy window of the voice activity check
 * @param minSilence a silence run at least this long is a cut point
 * @param silenceRms RMS (PCM16 units) below which a window is silence
 * @param quietSearch at max-chunk, how far back to look for the quietest window
 * @param idleFlush a session's buffer is flushed after this long without audio
 * @param sessionRetention a session with nothing buffered, outstanding or waiting is forgotten after this
 * @param retryInitial wait before a chunk whose request failed goes to Deepgram again (first failed round)
 * @param retryMultiplier growth of that wait per failed round
 * @param retryJitter randomization factor of the wait (0..1)
 * @param retryMax the longest wait
 */
public record BatchSettings(Duration minChunk, Duration maxChunk, Duration vadWindow, Duration minSilence,
    double silenceRms, Duration quietSearch, Duration idleFlush, Duration sessionRetention, Duration retryInitial,
    double retryMultiplier, double retryJitter, Duration retryMax) {

  /** The defaults of {@code rstt.batch.*}. */
  public static BatchSettings defaults() {
    return new BatchSettings(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMillis(20),
        Duration.ofMillis(100), 500, Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofMinutes(5),
        Duration.ofMillis(500), 2.0, 0.5, Duration.ofSeconds(30));
  }

  public CutPolicy cutPolicy() {
    return new CutPolicy(minChunk, maxChunk, vadWindow, minSilence, silenceRms, quietSearch);
  }
}
