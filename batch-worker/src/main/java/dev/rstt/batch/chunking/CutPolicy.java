package dev.rstt.batch.chunking;

import dev.rstt.common.audio.Pcm;
import java.time.Duration;

/**
 * Where to cut a session's buffered audio, by audio time and an energy-based voice activity check: RMS over
 * fixed windows; a run of silent windows at least {@code minSilence} long is a cut point. Pure and stateless.
 */
public final class CutPolicy {

  /** No cut point. */
  public static final long NONE = -1;

  private final Duration minChunk;
  private final Duration maxChunk;
  private final Duration window;
  private final Duration minSilence;
  private final double silenceRms;
  private final Duration quietSearch;

  public CutPolicy(Duration minChunk, Duration maxChunk, Duration window, Duration minSilence, double silenceRms,
      Duration quietSearch) {
    this.minChunk = minChunk;
    this.maxChunk = maxChunk;
    this.window = window;
    this.minSilence = minSilence;
    this.silenceRms = silenceRms;
    this.quietSearch = quietSearch;
  }

  static long frames(Duration d, int rate) {
    return d.toNanos() * rate / 1_000_000_000L;
  }

  int windowFrames(int rate) {
    return (int) Math.max(1, frames(window, rate));
  }

  /** RMS of each full window of {@code frameCount} frames of PCM16LE. */
  double[] windows(byte[] pcm, long frameCount, int rate, int channels) {
    int w = windowFrames(rate);
    int n = (int) (frameCount / w);
    double[] rms = new double[n];
    for (int i = 0; i < n; i++) {
      rms[i] = Pcm.rms(pcm, i * w * channels, (i + 1) * w * channels);
    }
    return rms;
  }

  /**
   * The regular cut point of a buffer, in frames from its start: in the first silence run that reaches past
   * min-chunk; else, once the buffer holds max-chunk, at the quietest window of the {@code quietSearch}
   * before max-chunk; else {@link #NONE}.
   */
  public long cutPoint(byte[] pcm, long frameCount, int rate, int channels) {
    long min = frames(minChunk, rate);
    long max = frames(maxChunk, rate);
    if (frameCount < min) {
      return NONE;
    }
    int w = windowFrames(rate);
    double[] rms = windows(pcm, Math.min(frameCount, max), rate, channels);
    int minRun = minRunWindows(rate, w);
    int i = 0;
    while (i < rms.length) {
      if (rms[i] >= silenceRms) {
        i++;
        continue;
      }
      int start = i;
      while (i < rms.length && rms[i] < silenceRms) {
        i++;
      }
      int end = i; // silent windows [start, end)
      if (end - start >= minRun) {
        long startFrame = (long) start * w;
        long endFrame = (long) end * w;
        long cut = Math.max((startFrame + endFrame) / 2, min);
        if (cut < endFrame && cut > 0) {
          return cut;
        }
      }
    }
    if (frameCount >= max) {
      return quietestBefore(rms, max, w, frames(quietSearch, rate));
    }
    return NONE;
  }

  private static long quietestBefore(double[] rms, long max, int w, long search) {
    int last = (int) Math.min(rms.length, max / w) - 1;
    if (last < 0) {
      return max;
    }
    int first = (int) Math.max(0, (max - search) / w);
    int best = last;
    for (int i = last; i >= first; i--) {
      if (rms[i] < rms[best]) {
        best = i;
      }
    }
    long cut = (long) best * w + w / 2;
    return cut <= 0 ? max : cut;
  }

  /**
   * A cut that frees memory when consumption is paused: in the last silence run of the buffer, else at its
   * quietest window; the whole buffer when it is shorter than two windows.
   */
  public long forcedCutPoint(byte[] pcm, long frameCount, int rate, int channels) {
    int w = windowFrames(rate);
    double[] rms = windows(pcm, frameCount, rate, channels);
    if (rms.length < 2) {
      return frameCount;
    }
    long silence = lastSilenceMidpoint(rms, w, minRunWindows(rate, w), 1);
    if (silence >= 0) {
      return silence;
    }
    int best = 1;
    for (int j = 1; j < rms.length; j++) {
      if (rms[j] < rms[best]) {
        best = j;
      }
    }
    return (long) best * w + w / 2;
  }

  /**
   * Where to cut a buffer whose session sent nothing for a while: everything when it ends in at least
   * {@code min-silence} of silence (or has no silence at all), otherwise in its last silence run, so a word still
   * arriving is not cut.
   */
  public long idleCutPoint(byte[] pcm, long frameCount, int rate, int channels) {
    long cut = idleCutPointOrNone(pcm, frameCount, rate, channels);
    return cut == NONE ? frameCount : cut;
  }

  /**
   * Like {@link #idleCutPoint}, but {@link #NONE} when the buffer ends in sound and has no silence to cut in: the
   * rest of that word has not arrived yet (the sender may be held up, e.g. by a broker outage), so an idle flush
   * must not cut it. The buffer ends in silence only when its last {@code min-silence} is silent (or all of it
   * is): a shorter quiet end may be a pause inside a word whose rest is late, so it counts as sound.
   */
  public long idleCutPointOrNone(byte[] pcm, long frameCount, int rate, int channels) {
    int w = windowFrames(rate);
    double[] rms = windows(pcm, frameCount, rate, channels);
    if (rms.length == 0) {
      return frameCount;
    }
    long tail = frameCount - (long) rms.length * w;
    boolean tailSilent = tail == 0
        || Pcm.rms(pcm, (int) ((frameCount - tail) * channels), (int) (frameCount * channels)) < silenceRms;
    int minRun = minRunWindows(rate, w);
    int trailingSilent = 0;
    while (tailSilent && trailingSilent < rms.length && rms[rms.length - 1 - trailingSilent] < silenceRms) {
      trailingSilent++;
    }
    if (trailingSilent >= minRun || trailingSilent == rms.length) {
      return frameCount;
    }
    long silence = lastSilenceMidpoint(rms, w, minRun, 0);
    return silence >= 0 ? Math.max(1, silence) : NONE;
  }

  /** Windows a silence run needs to count as a pause: {@code min-silence}, rounded up. */
  private int minRunWindows(int rate, int w) {
    return (int) Math.max(1, (frames(minSilence, rate) + w - 1) / w);
  }

  /**
   * The middle (in frames) of the last run of at least {@code minRun} silent windows that starts at window
   * {@code minStart} or later; -1 when there is none.
   */
  private long lastSilenceMidpoint(double[] rms, int w, int minRun, int minStart) {
    int i = rms.length - 1;
    while (i >= 0) {
      if (rms[i] >= silenceRms) {
        i--;
        continue;
      }
      int end = i + 1;
      while (i >= 0 && rms[i] < silenceRms) {
        i--;
      }
      int start = i + 1;
      if (end - start >= minRun && start >= minStart) {
        return ((long) start * w + (long) end * w) / 2;
      }
    }
    return -1;
  }

  /** Whether every full window of the audio is below the silence threshold (nothing to transcribe). */
  public boolean isSilent(byte[] pcm, long frameCount, int rate, int channels) {
    int w = windowFrames(rate);
    double[] rms = windows(pcm, frameCount, rate, channels);
    for (double r : rms) {
      if (r >= silenceRms) {
        return false;
      }
    }
    long tail = frameCount - (long) rms.length * w;
    return tail == 0 || Pcm.rms(pcm, (int) ((frameCount - tail) * channels), (int) (frameCount * channels)) < silenceRms;
  }
}
