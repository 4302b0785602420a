package dev.rstt.stt.it;

import dev.rstt.testsupport.ToneScript;

/** Test audio: distinct tone words of alternating speakers. */
final class Scripts {

  private Scripts() {
  }

  /** {@code words} distinct words ({@code w<first>}, ...), speakers cycling 0..2, {@code pauseMs} apart. */
  static ToneScript words(int first, int words, int pauseMs) {
    ToneScript.Builder b = ToneScript.builder(Harness.RATE).silence(300);
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        b.silence(pauseMs);
      }
      b.word(i % 3, String.format("%03d", (first + i) % 1000));
    }
    return b.silence(500).build();
  }
}
