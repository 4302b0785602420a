package dev.rstt.emulator.recognizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Streaming recognizer for the tone words of test-support/README.md. It works sample by sample, so the result does not
 * depend on how the audio is split into frames, and keeps O(one tone) of audio in memory.
 *
 * <p>How it hears: a <em>run</em> is a stretch of samples whose magnitude exceeds {@value #THRESHOLD} (about a
 * fifth of a tone's peak), ended by {@value #QUIET_END_MS} ms below it; its edges are then refined down to
 * {@value #EDGE_THRESHOLD}, so clean audio gives sample-exact times. A run loud for 50 ms (−4/+8 ms, so tones that
 * went through a lossy codec such as Opus still count) whose energy is explained by one DTMF row and one column
 * frequency (Goertzel over the run) is a symbol; anything else (hum, noise, a cut tone) is not, and breaks a word in
 * progress. A word is a speaker symbol A-D followed by three digits, each 5-30 ms after the previous tone (20 ms
 * nominal). A run that touches the first or the last sample of the stream is cut and never counts (a real tone
 * starts with a zero sample, and every symbol is followed by silence).
 */
public final class ToneWordRecognizer {

  /** Callbacks, all invoked synchronously from {@link #feedPcm16} / {@link #finish}. */
  public interface Listener {
    /** A complete word was heard; {@code positionSamples} is how far the stream has been read. */
    default void onWord(RecognizedWord word, long positionSamples) {
    }

    /** Sound started after silence while no word was in progress (a candidate word start). */
    default void onSoundStart(long startSample) {
    }

    /**
     * The silence after the last sound reached {@code marks[index]} samples (fires once per silence and mark, only
     * while no tone is sounding). {@code positionSamples} is the stream position at that moment.
     */
    default void onSilenceMark(int index, long positionSamples) {
    }
  }

  /** A sample above this is sound (tones peak near 19660; lossy codecs leave up to ~2600 of noise in gaps). */
  static final int THRESHOLD = 4000;
  /** Edges are refined down to this level, so clean audio gives sample-exact times. */
  static final int EDGE_THRESHOLD = 64;
  static final int EDGE_MAX_MS = 2;
  static final int QUIET_END_MS = 8;
  static final int[] ROWS = {697, 770, 852, 941};
  static final int[] COLUMNS = {1209, 1336, 1477, 1633};
  static final String[] KEYPAD = {"123A", "456B", "789C", "*0#D"};

  private final int sampleRate;
  private final Listener listener;
  private final long[] marks;
  private final boolean[] markFired;
  private final int quietEnd;
  private final int toneMin;
  private final int toneMax;
  private final int gapMin;
  private final int gapMax;
  private final double[] coefficients = new double[8];
  private final short[] run;
  private final short[] history;
  private final int edgeMax;

  private long position;
  private boolean inRun;
  private long runStart;
  private long runFirstLoud;
  private int runLength;
  private int runPrefix;
  private boolean runOverflow;
  private boolean runCut;
  private long lastActiveEnd;
  private boolean heardAnything;
  private final List<long[]> pending = new ArrayList<>(4); // {symbolChar, start, end}
  private int leftoverBytes;
  private final byte[] leftover = new byte[64];

  public ToneWordRecognizer(int sampleRate, Listener listener, long... silenceMarksSamples) {
    if (sampleRate < 4000 || sampleRate > 192000) {
      throw new IllegalArgumentException("sample rate out of range: " + sampleRate);
    }
    this.sampleRate = sampleRate;
    this.listener = listener == null ? new Listener() { } : listener;
    this.marks = silenceMarksSamples.clone();
    this.markFired = new boolean[marks.length];
    java.util.Arrays.fill(markFired, true); // nothing to mark before the first sound
    this.quietEnd = samples(QUIET_END_MS);
    int tone = samples(50);
    this.toneMin = tone - samples(4);
    this.toneMax = tone + samples(8); // lossy codecs smear a tone's edges by a few ms
    this.gapMin = samples(5); // 20 ms nominal; a codec's smeared edges eat into it
    this.gapMax = samples(30);
    this.edgeMax = Math.max(1, samples(EDGE_MAX_MS));
    this.history = new short[edgeMax];
    this.run = new short[edgeMax + toneMax + quietEnd + 2];
    for (int i = 0; i < 4; i++) {
      coefficients[i] = 2 * Math.cos(2 * Math.PI * ROWS[i] / sampleRate);
      coefficients[4 + i] = 2 * Math.cos(2 * Math.PI * COLUMNS[i] / sampleRate);
    }
  }

  public int sampleRate() {
    return sampleRate;
  }

  /** Samples (per channel) read so far. */
  public long position() {
    return position;
  }

  /**
   * Start sample of a word in progress (some of its symbols heard, or a sound that may be its first symbol), or -1.
   */
  public long inProgressStart() {
    if (!pending.isEmpty()) {
      return pending.get(0)[1];
    }
    return inRun ? runStart : -1;
  }

  /** Sample just after the last loud sample, or -1 if nothing was heard yet. */
  public long lastSoundEnd() {
    return heardAnything ? lastActiveEnd : -1;
  }

  /**
   * Reads PCM16LE audio with {@code channels} interleaved channels (mixed down to one). Byte and sample-frame
   * splits across calls are carried over.
   */
  public void feedPcm16(byte[] data, int offset, int length, int channels) {
    int frameBytes = 2 * channels;
    int i = offset;
    int end = offset + length;
    if (leftoverBytes > 0) {
      while (leftoverBytes < frameBytes && i < end) {
        leftover[leftoverBytes++] = data[i++];
      }
      if (leftoverBytes < frameBytes) {
        return;
      }
      step(mix(leftover, 0, channels));
      leftoverBytes = 0;
    }
    for (; i + frameBytes <= end; i += frameBytes) {
      step(mix(data, i, channels));
    }
    while (i < end) {
      leftover[leftoverBytes++] = data[i++];
    }
  }

  private static int mix(byte[] b, int at, int channels) {
    if (channels == 1) {
      return (short) ((b[at] & 0xFF) | (b[at + 1] << 8));
    }
    int sum = 0;
    for (int c = 0; c < channels; c++) {
      sum += (short) ((b[at + 2 * c] & 0xFF) | (b[at + 2 * c + 1] << 8));
    }
    return sum / channels;
  }

  /**
   * End of stream: a tone still sounding at the last sample is cut and ignored; a word not complete by now is
   * dropped.
   */
  public void finish() {
    if (inRun) {
      long last = position - 1;
      if (Math.abs(history[(int) (last % edgeMax)]) > EDGE_THRESHOLD) {
        inRun = false; // still sounding at the last sample: cut by the stream end
        pending.clear();
      } else {
        endRun();
      }
    }
    pending.clear();
  }

  private void step(int s) {
    boolean loud = s > THRESHOLD || s < -THRESHOLD;
    if (loud && !inRun) {
      startRun();
    }
    if (loud) {
      lastActiveEnd = position + 1;
      heardAnything = true;
      java.util.Arrays.fill(markFired, false);
    }
    if (inRun) {
      if (runLength < run.length) {
        run[runLength++] = (short) s;
      } else {
        runOverflow = true;
      }
    }
    history[(int) (position % edgeMax)] = (short) s;
    position++;
    if (inRun && position - lastActiveEnd >= quietEnd) {
      endRun();
    }
    if (!inRun && heardAnything) {
      long quiet = position - lastActiveEnd;
      if (!pending.isEmpty() && quiet > gapMax) {
        pending.clear(); // a word that stopped after one to three symbols
      }
      for (int m = 0; m < marks.length; m++) {
        if (!markFired[m] && quiet >= marks[m]) {
          markFired[m] = true;
          listener.onSilenceMark(m, position);
        }
      }
    }
  }

  /**
   * A run starts at the first loud sample; its true start is found by walking back (at most {@value #EDGE_MAX_MS}
   * ms) over samples above the edge level. Sample 0 of every tone is sin(0) + sin(0) = 0, so when the walk stops
   * at a quiet sample, that sample is where the tone began. A walk that reaches a loud first sample of the stream
   * means the tone was cut by the stream start.
   */
  private void startRun() {
    inRun = true;
    runFirstLoud = position;
    runOverflow = false;
    long first = position;
    long floor = Math.max(0, position - edgeMax);
    while (first > floor && Math.abs(history[(int) ((first - 1) % edgeMax)]) > EDGE_THRESHOLD) {
      first--;
    }
    // first == 0: sound from the stream's first sample on, so the tone was cut by the stream start
    runCut = first == 0;
    boolean stoppedAtQuiet = first > floor;
    runStart = stoppedAtQuiet ? first - 1 : first;
    runPrefix = (int) (position - first);
    runLength = 0;
    for (long k = first; k < position; k++) {
      run[runLength++] = history[(int) (k % edgeMax)];
    }
    if (pending.isEmpty()) {
      listener.onSoundStart(runStart);
    }
  }

  private void endRun() {
    inRun = false;
    int loudLength = (int) (lastActiveEnd - runFirstLoud);
    // refine the end: extend over samples above the edge level (at most EDGE_MAX_MS), already in the buffer
    long end = lastActiveEnd;
    long endLimit = Math.min(position, lastActiveEnd + edgeMax);
    long bufferStart = runFirstLoud - runPrefix;
    while (end < endLimit && end - bufferStart < runLength
        && Math.abs(run[(int) (end - bufferStart)]) > EDGE_THRESHOLD) {
      end++;
    }
    lastActiveEnd = end;
    int analysed = (int) Math.min(runLength, end - bufferStart);
    char symbol = runOverflow || runCut || loudLength < toneMin || loudLength > toneMax ? 0 : classify(analysed);
    if (symbol == 0) {
      pending.clear();
      return;
    }
    boolean speaker = symbol >= 'A' && symbol <= 'D';
    if (!pending.isEmpty()) {
      long gap = runStart - pending.get(pending.size() - 1)[2];
      if (speaker || gap < gapMin || gap > gapMax) {
        pending.clear();
      }
    }
    if (pending.isEmpty()) {
      if (!speaker) {
        return; // a digit without its speaker symbol: the tail of a cut word
      }
    } else if (speaker || symbol == '*' || symbol == '#') {
      pending.clear();
      return;
    }
    pending.add(new long[] {symbol, runStart, lastActiveEnd});
    if (pending.size() == 4) {
      StringBuilder text = new StringBuilder("w");
      for (int i = 1; i < 4; i++) {
        text.append((char) pending.get(i)[0]);
      }
      RecognizedWord word = new RecognizedWord(text.toString(), (int) (pending.get(0)[0] - 'A'),
          pending.get(0)[1], pending.get(3)[2], sampleRate);
      pending.clear();
      listener.onWord(word, position);
    }
  }

  /** Goertzel over the run: the symbol whose row and column explain the run's energy, or 0. */
  private char classify(int n) {
    double energy = 0;
    for (int i = 0; i < n; i++) {
      energy += (double) run[i] * run[i];
    }
    double meanSquare = energy / n;
    if (meanSquare < (double) EDGE_THRESHOLD * EDGE_THRESHOLD) {
      return 0;
    }
    double[] amplitude = new double[8];
    for (int k = 0; k < 8; k++) {
      double c = coefficients[k];
      double s1 = 0;
      double s2 = 0;
      for (int i = 0; i < n; i++) {
        double s0 = run[i] + c * s1 - s2;
        s2 = s1;
        s1 = s0;
      }
      double power = s1 * s1 + s2 * s2 - c * s1 * s2;
      amplitude[k] = 2 * Math.sqrt(Math.max(power, 0)) / n;
    }
    int row = argmax(amplitude, 0);
    int col = argmax(amplitude, 4);
    double ar = amplitude[row];
    double ac = amplitude[col];
    for (int k = 0; k < 4; k++) {
      if (k != row && amplitude[k] > 0.25 * ar) {
        return 0;
      }
      if (4 + k != col && amplitude[4 + k] > 0.25 * ac) {
        return 0;
      }
    }
    if (ar < 0.5 * ac || ac < 0.5 * ar) {
      return 0;
    }
    double explained = (ar * ar + ac * ac) / 2;
    if (explained < 0.7 * meanSquare) {
      return 0;
    }
    return KEYPAD[row].charAt(col - 4);
  }

  private static int argmax(double[] a, int from) {
    int best = from;
    for (int k = from + 1; k < from + 4; k++) {
      if (a[k] > a[best]) {
        best = k;
      }
    }
    return best;
  }

  private int samples(int ms) {
    return (int) ((long) sampleRate * ms / 1000);
  }
}
