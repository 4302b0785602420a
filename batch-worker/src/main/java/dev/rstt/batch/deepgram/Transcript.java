package dev.rstt.batch.deepgram;

import java.util.List;

/** The words of one pre-recorded response, times in seconds from the start of the submitted audio. */
public record Transcript(List<Word> words, String requestId) {

  /** One recognised word; {@code speaker} is -1 without diarization. */
  public record Word(String word, String punctuated, double start, double end, float confidence, int speaker) {
  }

  public static Transcript empty() {
    return new Transcript(List.of(), null);
  }
}
