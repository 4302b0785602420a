package dev.rstt.stt.deepgram;

import java.util.List;

/**
 * A final {@code Results} message: its window on the connection's timeline (seconds from the connection's first
 * sample) and its words; {@code receivedAtNanos} is when it arrived (System.nanoTime), -1 when unknown.
 */
public record FinalResult(double start, double duration, boolean fromFinalize, List<Word> words,
    long receivedAtNanos) {

  public FinalResult {
    words = List.copyOf(words);
  }

  /** Not stamped with its arrival. */
  public FinalResult(double start, double duration, boolean fromFinalize, List<Word> words) {
    this(start, duration, fromFinalize, words, -1);
  }

  /** This result, stamped with its arrival ({@code System.nanoTime()}), for the worker's hop timer. */
  public FinalResult receivedAt(long nanos) {
    return new FinalResult(start, duration, fromFinalize, words, nanos);
  }

  /** End of the window: Deepgram's transcript cursor, in connection seconds. */
  public double cursor() {
    return start + duration;
  }

  /** A recognised word; times in connection seconds; speaker -1 when not diarized. */
  public record Word(String word, String punctuatedWord, double start, double end, float confidence, int speaker) {
    public String text() {
      return punctuatedWord == null || punctuatedWord.isEmpty() ? word : punctuatedWord;
    }
  }
}
