package dev.rstt.emulator.recognizer;

/**
 * A tone word as heard: text {@code w042}, speaker 0..3, first sample of its first tone and the sample just after
 * its fourth tone, counted from the start of the stream.
 *
 * <p>A <em>fragment</em> ({@code fragment == true}) is what was heard of a word cut by the start or the end of the
 * stream: its complete symbols only, so its text can never equal a full word (see {@link Fragments}).
 */
public record RecognizedWord(String text, int speaker, long startSample, long endSample, int sampleRate,
    boolean fragment) {

  /** A complete word. */
  public RecognizedWord(String text, int speaker, long startSample, long endSample, int sampleRate) {
    this(text, speaker, startSample, endSample, sampleRate, false);
  }

  public double start() {
    return (double) startSample / sampleRate;
  }

  public double end() {
    return (double) endSample / sampleRate;
  }
}
