package dev.rstt.tools;

import dev.rstt.testsupport.ToneScript;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the sample tone-word recording ({@code samples/tone-words-16k.wav}) that {@code ./pipeline stream} plays. */
public final class SampleWav {

  private SampleWav() {
  }

  /** Twenty distinct words by two speakers, with a longer pause in the middle, 16 kHz mono. */
  public static ToneScript sample() {
    ToneScript.Builder b = ToneScript.builder(16000).silence(500);
    for (int i = 0; i < 20; i++) {
      if (i > 0) {
        b.silence(i == 10 ? 1500 : 300);
      }
      b.word(i < 10 ? 0 : 1, String.format("%03d", 100 + i * 7));
    }
    return b.silence(800).build();
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "samples/tone-words-16k.wav");
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    ToneScript script = sample();
    Files.write(out, script.wav());
    System.out.printf("wrote %s: %d words, %.1f s%n", out, script.words().size(), script.durationSeconds());
  }
}
