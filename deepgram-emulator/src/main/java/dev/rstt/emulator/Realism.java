package dev.rstt.emulator;

import java.time.Duration;

/**
 * Deepgram's imperfections, switched on by name ({@link #OFF} by default): per-path timestamp drift, fragments for
 * words cut by the edges of the audio, late finals and finals split across results. Everything is decided from
 * {@link #seed()} and the audio (a word's position in its stream), so the same audio with the same seed gives the
 * same output whatever the framing. Immutable and validated; a bad value names the key.
 *
 * @param enabled       false = the exact emulator (every other field ignored)
 * @param seed          the seed of every decision
 * @param live          drift of word times on live sockets
 * @param prerecorded   drift of word times in pre-recorded answers
 * @param fragments     a word cut by the first or last sample of a stream or body comes back as a fragment with low
 *                      confidence instead of being left out
 * @param lateFinals    probability (0..1) that an endpointed live final is held back until {@link #lateAfter} more
 *                      audio arrived, or sent after the reply to the next Finalize or CloseStream
 * @param lateAfter     how much further audio releases a held final
 * @param splitFinals   probability (0..1) that a live final is sent as two or more finals with adjoining windows
 */
public record Realism(boolean enabled, long seed, Drift live, Drift prerecorded, boolean fragments,
    double lateFinals, Duration lateAfter, double splitFinals) {

  /**
   * Word times are shifted by {@code offsetMs} plus a uniform draw in {@code [-jitterMs, +jitterMs]}, start and end
   * drawn apart; a word keeps at least 10 ms, never starts before the previous one, and stays inside the audio
   * received.
   */
  public record Drift(int offsetMs, int jitterMs) {
    public static final Drift NONE = new Drift(0, 0);

    public Drift {
      require(Math.abs(offsetMs) <= 200, "offset_ms", offsetMs, "must be -200..200");
      require(jitterMs >= 0 && jitterMs <= 200, "jitter_ms", jitterMs, "must be 0..200");
    }

    /** The most a word time can move: {@code |offset| + jitter}. */
    public int maxShiftMs() {
      return Math.abs(offsetMs) + jitterMs;
    }
  }

  public static final Realism OFF = new Realism(false, 1, Drift.NONE, Drift.NONE, false, 0, Duration.ofMillis(500), 0);

  public Realism {
    require(live != null, "live", live, "must not be null");
    require(prerecorded != null, "prerecorded", prerecorded, "must not be null");
    require(lateFinals >= 0 && lateFinals <= 1, "late_finals.probability", lateFinals, "must be 0..1");
    require(lateAfter != null && !lateAfter.isNegative() && lateAfter.compareTo(Duration.ofMinutes(1)) <= 0,
        "late_finals.after_ms", lateAfter, "must be 0..60000 ms");
    require(splitFinals >= 0 && splitFinals <= 1, "split_finals.probability", splitFinals, "must be 0..1");
  }

  /**
   * Realism with the defaults: live and pre-recorded word times each drawn within ±40 ms, apart (so the two paths
   * disagree by up to ±80 ms per word), fragments on, no late or split finals.
   */
  public static Realism on(long seed) {
    return new Realism(true, seed, new Drift(0, 40), new Drift(0, 40), true, 0, Duration.ofMillis(500), 0);
  }

  public Realism withSeed(long v) {
    return new Realism(enabled, v, live, prerecorded, fragments, lateFinals, lateAfter, splitFinals);
  }

  public Realism withLive(Drift v) {
    return new Realism(enabled, seed, v, prerecorded, fragments, lateFinals, lateAfter, splitFinals);
  }

  public Realism withPrerecorded(Drift v) {
    return new Realism(enabled, seed, live, v, fragments, lateFinals, lateAfter, splitFinals);
  }

  public Realism withFragments(boolean v) {
    return new Realism(enabled, seed, live, prerecorded, v, lateFinals, lateAfter, splitFinals);
  }

  public Realism withLateFinals(double probability, Duration after) {
    return new Realism(enabled, seed, live, prerecorded, fragments, probability, after, splitFinals);
  }

  public Realism withSplitFinals(double probability) {
    return new Realism(enabled, seed, live, prerecorded, fragments, lateFinals, lateAfter, probability);
  }

  private static void require(boolean ok, String key, Object value, String rule) {
    if (!ok) {
      throw new IllegalArgumentException("Invalid realism setting " + key + "=" + value + ": " + rule);
    }
  }
}
