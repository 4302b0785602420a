package dev.rstt.testsupport;

import java.util.Map;

/**
 * The tone-word alphabet (test-support/README.md), version 1: DTMF keypad pairs, 50 ms tones, 20 ms gaps,
 * words of a speaker symbol (A-D) and three digits.
 */
public final class ToneWords {

  public static final int[] ROWS = {697, 770, 852, 941};
  public static final int[] COLUMNS = {1209, 1336, 1477, 1633};
  /** Keypad rows, top to bottom. */
  public static final String[] KEYPAD = {"123A", "456B", "789C", "*0#D"};
  public static final int TONE_MS = 50;
  public static final int GAP_MS = 20;
  /** Four tones and the three gaps between them. */
  public static final int WORD_MS = 4 * TONE_MS + 3 * GAP_MS;
  /** Minimum silence between one word's last tone and the next word's first tone. */
  public static final int MIN_PAUSE_MS = 140;
  public static final double AMPLITUDE = 32767 * 0.3;

  private static final Map<Character, int[]> FREQUENCIES;

  static {
    java.util.HashMap<Character, int[]> map = new java.util.HashMap<>();
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        map.put(KEYPAD[r].charAt(c), new int[] {ROWS[r], COLUMNS[c]});
      }
    }
    FREQUENCIES = Map.copyOf(map);
  }

  private ToneWords() {
  }

  /** Row and column frequency of a keypad symbol. */
  public static int[] frequencies(char symbol) {
    int[] f = FREQUENCIES.get(symbol);
    if (f == null) {
      throw new IllegalArgumentException("Not a keypad symbol: " + symbol);
    }
    return f;
  }

  public static char speakerSymbol(int speaker) {
    if (speaker < 0 || speaker > 3) {
      throw new IllegalArgumentException("speaker must be 0..3, was " + speaker);
    }
    return (char) ('A' + speaker);
  }

  /** Samples of {@code ms} milliseconds at {@code rate}. */
  public static int samples(int rate, int ms) {
    return (int) ((long) rate * ms / 1000);
  }

  /** Sample n of a symbol's tone, exactly as test-support/README.md defines it. */
  public static short toneSample(char symbol, int n, int rate) {
    int[] f = frequencies(symbol);
    double v = AMPLITUDE * (Math.sin(2 * Math.PI * f[0] * n / rate) + Math.sin(2 * Math.PI * f[1] * n / rate));
    return (short) Math.round(v);
  }
}
