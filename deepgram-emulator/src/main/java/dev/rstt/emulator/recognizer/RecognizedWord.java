package dev.rstt.emulator.recognizer;

/**
 * A tone word as heard: text {@code w042}, speaker 0..3, first sample of its first tone and the sample just after
 * its fourth tone, counted from the start of the stream.
 */
public record RecognizedWord(String text, int speaker, long startSample, long endSample, int sampleRate) {

  public double start() {
    return (double) startSample / sampleRate;
  }

  public double end() {
    return (double) endSample / sampleRate;
  }
}
