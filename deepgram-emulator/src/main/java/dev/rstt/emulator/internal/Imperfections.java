package dev.rstt.emulator.internal;

import dev.rstt.emulator.Realism;
import dev.rstt.emulator.recognizer.RecognizedWord;
import java.util.ArrayList;
import java.util.List;

/**
 * The realism decisions for one stream (a live socket or a pre-recorded body). Pure: every draw is a hash of the
 * seed, the path and a position in the stream (a word's first sample, a final's window start), so the same audio
 * and seed give the same output whatever the framing or timing; no clock, no shared random generator.
 */
public final class Imperfections {

  /** Which path a stream is on: each has its own drift and draws. */
  public enum Path {
    LIVE(0x4c49564545L),
    PRERECORDED(0x5052455245L);

    private final long salt;

    Path(long salt) {
      this.salt = salt;
    }
  }

  private static final int START = 1;
  private static final int END = 2;
  private static final int CONFIDENCE = 3;
  private static final int LATE = 4;
  private static final int SPLIT = 5;
  private static final int SPLIT_GAP = 16;

  private final Realism realism;
  private final Realism.Drift drift;
  private final long base;
  private double lastStart;

  public Imperfections(Realism realism, Path path) {
    this.realism = realism;
    this.drift = path == Path.LIVE ? realism.live() : realism.prerecorded();
    this.base = mix(realism.seed() ^ path.salt);
  }

  public Realism realism() {
    return realism;
  }

  /** True if words cut by the stream's edges are reported as fragments. */
  public boolean fragments() {
    return realism.enabled() && realism.fragments();
  }

  /**
   * The word as reported. Off: its exact times and confidence {@value Transcripts#WORD_CONFIDENCE}. On: start and end
   * drifted apart, kept in order, at least 10 ms long and within {@code [0, limitSeconds]} (the audio received so
   * far); confidence 0.90-0.99 for a word, 0.15-0.45 for a fragment.
   */
  public HeardWord hear(RecognizedWord w, double limitSeconds) {
    if (!realism.enabled()) {
      return new HeardWord(w.text(), w.speaker(), w.startSample(), w.endSample(), w.start(), w.end(),
          Transcripts.WORD_CONFIDENCE, w.fragment());
    }
    long key = w.startSample() * 31 + w.text().hashCode();
    double start = w.start() + shiftMs(key, START) / 1000.0;
    double end = w.end() + shiftMs(key, END) / 1000.0;
    start = Math.min(Math.max(Math.max(start, 0), lastStart), Math.max(0, limitSeconds - 0.01));
    end = Math.min(Math.max(end, start + 0.01), Math.max(limitSeconds, start + 0.01));
    lastStart = start;
    double u = unit(key, CONFIDENCE);
    double confidence = w.fragment() ? 0.15 + 0.30 * u : 0.90 + 0.09 * u;
    return new HeardWord(w.text(), w.speaker(), w.startSample(), w.endSample(), round(start), round(end),
        Math.round(confidence * 10_000) / 10_000.0, w.fragment());
  }

  /** True if the final whose window starts at {@code windowStart} is held back (a late final). */
  public boolean late(long windowStart) {
    return realism.enabled() && unit(windowStart, LATE) < realism.lateFinals();
  }

  /**
   * Where the final {@code [from, to)} with these words is split: the window starts of the second and later parts,
   * ascending, or none. Parts split at the start of a word (between words), or in the silence after (or before) a
   * lone word, so every word lies in its part's window.
   */
  public List<Long> splitPoints(long from, long to, List<HeardWord> words) {
    List<Long> points = new ArrayList<>();
    if (!realism.enabled() || words.isEmpty() || unit(from, SPLIT) >= realism.splitFinals()) {
      return points;
    }
    if (words.size() >= 2) {
      for (int i = 1; i < words.size(); i++) {
        if (unit(from, SPLIT_GAP + i) < 0.5) {
          points.add(words.get(i).startSample());
        }
      }
      if (points.isEmpty()) {
        int i = 1 + (int) (unit(from, SPLIT_GAP) * (words.size() - 1));
        points.add(words.get(i).startSample());
      }
      return points;
    }
    HeardWord w = words.get(0);
    double u = unit(from, SPLIT_GAP);
    if (to - w.endSample() >= 2) {
      points.add(w.endSample() + 1 + (long) (u * (to - w.endSample() - 1))); // an empty final after the word
    } else if (w.startSample() - from >= 2) {
      points.add(from + 1 + (long) (u * (w.startSample() - from - 1))); // an empty final before it
    }
    return points;
  }

  private double shiftMs(long key, int draw) {
    return drift.offsetMs() + (2 * unit(key, draw) - 1) * drift.jitterMs();
  }

  /** A uniform draw in [0, 1) for (key, draw). */
  double unit(long key, int draw) {
    long h = mix(base + key * 0x9E3779B97F4A7C15L + draw * 0xD1B54A32D192ED03L);
    return (h >>> 11) * 0x1.0p-53;
  }

  /** SplitMix64's finalizer: a fixed function, so draws never change with the JVM. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private static double round(double seconds) {
    return Math.round(seconds * 1_000_000) / 1_000_000.0;
  }
}
