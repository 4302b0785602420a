package dev.rstt.tools.chaos;

import dev.rstt.testsupport.ToneScript;
import dev.rstt.testsupport.ToneWords;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Tone-word scripts for chaos sessions, drawn from a seeded {@link Random}: distinct words within a script (so every
 * word can be told apart), speakers that change now and then, pauses from the 140 ms minimum to about a second, and
 * now and then a long silence (2-6 s) that lets endpointing, idle flushes and the 3 s combine gap happen. Pure.
 */
public final class ChaosScripts {

  public static final int SAMPLE_RATE = 16_000;
  private static final int WORD_WITH_GAP_MS = ToneWords.WORD_MS + ToneWords.GAP_MS;

  private ChaosScripts() {
  }

  /** A script of about {@code minSeconds} to {@code maxSeconds} of audio. */
  public static ToneScript next(Random random, int minSeconds, int maxSeconds) {
    if (minSeconds < 2 || maxSeconds < minSeconds || maxSeconds > 400) {
      throw new IllegalArgumentException("script length must be 2..400 s, min <= max");
    }
    long targetMs = (minSeconds + (long) random.nextInt(maxSeconds - minSeconds + 1)) * 1000L;
    List<Integer> numbers = new ArrayList<>(1000);
    for (int i = 0; i < 1000; i++) {
      numbers.add(i);
    }
    Collections.shuffle(numbers, random);
    ToneScript.Builder b = ToneScript.builder(SAMPLE_RATE);
    int lead = 100 + random.nextInt(600);
    b.silence(lead);
    long ms = lead;
    int speaker = random.nextInt(4);
    for (int i = 0; ms < targetMs && i < numbers.size(); i++) {
      if (i > 0) {
        int pause = random.nextInt(100) < 8 ? 2_000 + random.nextInt(4_001)
            : ToneWords.MIN_PAUSE_MS + random.nextInt(800);
        b.silence(pause);
        ms += pause;
      }
      if (random.nextInt(100) < 20) {
        speaker = random.nextInt(4);
      }
      b.word(speaker, String.format("%03d", numbers.get(i)));
      ms += WORD_WITH_GAP_MS;
    }
    return b.silence(400 + random.nextInt(500)).build();
  }
}
