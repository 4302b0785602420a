package dev.rstt.stt.deepgram;

import java.util.List;

/**
 * A final {@code Results} message: its window on the connection's timeline (seconds from the connection's first
 * sample) and its words.
 */
public record FinalResult(double start, double duration, boolean fromFinalize, List<Word> words) {

  public FinalResult {
    words = List.copyOf(words);
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
