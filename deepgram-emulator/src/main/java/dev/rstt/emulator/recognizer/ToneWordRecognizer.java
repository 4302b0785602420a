package dev.rstt.emulator.recognizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Streaming recognizer for the tone words of test-support's {@code ToneWords} (DTMF pairs, 50 ms tones, 20 ms
 * gaps, a speaker symbol and three digits per word). It works sample by sample, so the result does not
 * depend on how the audio is split into frames, and keeps O(one tone) of audio in memory.
 *
 * <p>How it hears: a <em>run</em> is a stretch of samples whose magnitude exceeds {@value #THRESHOLD} (about a
 * fifth of a tone's peak), ended by {@value #QUIET_END_MS} ms below it; its edges are then refined down to
 * {@value #EDGE_THRESHOLD}, so clean audio gives sample-exact times. A run loud for 50 ms (−4/+8 ms, so tones that
 * went through a lossy codec such as Opus still count) whose energy is explained by one DTMF row and one column
 * frequency (Goertzel over the run) is a symbol; anything else (hum, noise, a cut tone) is not, and breaks a word in
 * progress. A word is a speaker symbol A-D followed by three digits, each 5-30 ms after the previous tone (20 ms
 * nominal). A tone touched by the start or the end of the stream is cut and never counts: unless 0.25 ms (and at
 * least 4 samples) of quiet (at most {@value #EDGE_THRESHOLD}) and no sound separate it from the edge, and, at the
 * end, unless it is a whole symbol (a real tone starts with a zero sample after silence and is
 * followed by silence; a cut that meets a quiet sample of a tone, a zero crossing or the minimum of its beat, must not
 * let its rest pass for a whole symbol).
 *
 * <p>With fragments on ({@link #ToneWordRecognizer(int, Listener, boolean, long...)}), a word cut by the start or
 * the end of the stream is reported to {@link Listener#onFragment} as the symbols heard in full ({@link Fragments});
 * it is never reported as a word. Cut by the start: digits that begin within 30 ms of the first sample (or of the
 * end of a tone cut by it), before any speaker symbol. Cut by the end: a word in progress when the stream ends.
 */
public final class ToneWordRecognizer {

  /** Callbacks, all invoked synchronously from {@link #feedPcm16} / {@link #finish}. */
  public interface Listener {
    /** A complete word was heard; {@code positionSamples} is how far the stream has been read. */
    default void onWord(RecognizedWord word, long positionSamples) {
    }

    /** What was heard of a word cut by the start or the end of the stream (only with fragments on). */
    default void onFragment(RecognizedWord fragment, long positionSamples) {
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

  private final int sampleRate;
  private final Listener listener;
  private final long[] marks;
  private final boolean[] markFired;
  private final int quietEnd;
  private final int toneMin;
  private final int toneMax;
  private final int gapMin;
  private final int gapMax;
  private final Dtmf dtmf;
  private final short[] run;
  private final short[] history;
  private final int edgeMax;
  /**
   * Quiet samples (at most {@link #EDGE_THRESHOLD}) that must separate a tone from the stream's edge for it to be
   * whole: 0.25 ms, at least 4. Inside a tone at most ~0.125 ms in a row are that quiet (3 samples at 48 kHz, 11 at
   * 192 kHz: a zero crossing near the minimum of the beat of its two frequencies), while a whole tone starts with a
   * zero sample after silence and is followed by silence.
   */
  private final int edgeQuiet;

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
  private long firstAudible = -1; // first sample above the edge level
  private boolean finishing;
  private final List<long[]> pending = new ArrayList<>(4); // {symbolChar, start, end}
  private int leftoverBytes;
  private final byte[] leftover = new byte[64];

  // A word cut by the stream start ("head"): digits heard right after the start, or right after a tone cut by it.
  private final boolean fragments;
  private boolean headOpen;
  private long headRef; // the next digit of the cut word starts within gapMax of this sample
  private boolean headHeard; // a cut tone or a digit of the word cut by the start was heard
  private long headEnd;
  private final StringBuilder headDigits = new StringBuilder(3);

  public ToneWordRecognizer(int sampleRate, Listener listener, long... silenceMarksSamples) {
    this(sampleRate, listener, false, silenceMarksSamples);
  }

  /** With {@code fragments}, words cut by the stream's start or end are reported to {@link Listener#onFragment}. */
  public ToneWordRecognizer(int sampleRate, Listener listener, boolean fragments, long... silenceMarksSamples) {
    this.fragments = fragments;
    this.headOpen = fragments;
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
    this.edgeQuiet = Math.max(4, sampleRate / 4000);
    this.history = new short[edgeMax];
    this.run = new short[edgeMax + toneMax + quietEnd + 2];
    this.dtmf = new Dtmf(sampleRate, EDGE_THRESHOLD);
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
    if (headOpen && headHeard) {
      return 0; // the word cut by the start, still being heard
    }
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
      boolean quietTail = true;
      for (int k = 1; k <= Math.min(edgeQuiet, position); k++) {
        quietTail &= Math.abs(history[(int) ((position - k) % edgeMax)]) <= EDGE_THRESHOLD;
      }
      if (quietTail) {
        finishing = true; // a tone that is not whole by now was cut by the stream end
        endRun();
        finishing = false;
      } else {
        inRun = false; // sounding within edgeQuiet of the last sample: cut by the stream end
      }
    }
    if (headOpen) {
      closeHead(true); // the stream ended inside the word cut by its start
    } else if (fragments && !pending.isEmpty()) {
      // a word in progress: its next symbol was due within gapMax (pending is cleared after longer silences)
      StringBuilder digits = new StringBuilder(2);
      for (int i = 1; i < pending.size(); i++) {
        digits.append((char) pending.get(i)[0]);
      }
      listener.onFragment(new RecognizedWord(Fragments.tailCut(digits), (int) (pending.get(0)[0] - 'A'),
          pending.get(0)[1], position, sampleRate, true), position);
    }
    pending.clear();
  }

  /**
   * Ends the stream-start window, reporting the fragment heard in it, if any: from the first sample (the word began
   * before the stream) to the end of its last digit, or to the stream's end if the stream ended inside the window.
   */
  private void closeHead(boolean streamEnded) {
    headOpen = false;
    if (headDigits.length() > 0) {
      long end = streamEnded ? position : headEnd;
      listener.onFragment(new RecognizedWord(Fragments.headCut(headDigits), 0, 0, end, sampleRate, true),
          position);
    }
  }

  /** A run heard while the stream-start window is open: true if it belongs to the word cut by the start. */
  private boolean headRun(char symbol) {
    if (runCut || (finishing && symbol == 0)) {
      headHeard = true; // the rest of a tone cut by the stream start (or, at the end, one cut by the end)
      headRef = lastActiveEnd;
      return true;
    }
    long gap = runStart - headRef;
    boolean digit = symbol >= '0' && symbol <= '9';
    if (digit && gap <= gapMax && (headDigits.length() == 0 || gap >= gapMin)) {
      headHeard = true;
      headDigits.append(symbol);
      headRef = lastActiveEnd;
      headEnd = lastActiveEnd;
      if (headDigits.length() == 3) {
        closeHead(false);
      }
      return true;
    }
    closeHead(false);
    return false;
  }

  private void step(int s) {
    boolean loud = s > THRESHOLD || s < -THRESHOLD;
    if (firstAudible < 0 && (s > EDGE_THRESHOLD || s < -EDGE_THRESHOLD)) {
      firstAudible = position;
    }
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
    if (headOpen && !inRun && position - headRef > gapMax) {
      closeHead(false);
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
    boolean stoppedAtQuiet = first > floor;
    runStart = stoppedAtQuiet ? first - 1 : first;
    // The stream's first run is cut by the stream start unless at least edgeQuiet quiet samples, and no
    // sound, lie between the first sample and it: a stream that begins inside a tone at (or just before) a quiet
    // sample of it stops the walk back above early, yet the tone's rest is no whole symbol.
    runCut = first == 0 || (!heardAnything && (runStart < edgeQuiet - 1
        || (firstAudible >= 0 && firstAudible <= runStart && position <= quietEnd)));
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
    char symbol = runOverflow || runCut || loudLength < toneMin || loudLength > toneMax ? 0 : dtmf.classify(run, analysed);
    if (headOpen && headRun(symbol)) {
      return;
    }
    if (symbol == 0) {
      if (finishing) {
        return; // not whole at the stream end: cut by it (the word in progress stays, as a fragment)
      }
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

  private int samples(int ms) {
    return (int) ((long) sampleRate * ms / 1000);
  }
}
