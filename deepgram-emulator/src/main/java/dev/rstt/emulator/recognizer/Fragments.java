package dev.rstt.emulator.recognizer;

import java.util.regex.Pattern;

/**
 * The text of a word cut by the start or the end of the audio: only the symbols heard in full, so it can never be a
 * full word ({@code w} and exactly three digits).
 * <ul>
 *   <li>cut by the start (its speaker symbol lost, and maybe some digits): the digits heard, without {@code w}:
 *       {@code 042}, {@code 42}, {@code 2};</li>
 *   <li>cut by the end (its speaker symbol heard, some digits lost): {@code w} and the digits heard, at most two:
 *       {@code w}, {@code w0}, {@code w04}.</li>
 * </ul>
 * A word of which no symbol was heard in full gives nothing.
 */
public final class Fragments {

  /** Every fragment matches this; no full word does. */
  public static final Pattern FORMAT = Pattern.compile("[0-9]{1,3}|w[0-9]{0,2}");
  /** Every full word matches this; no fragment does. */
  public static final Pattern WORD = Pattern.compile("w[0-9]{3}");

  private Fragments() {
  }

  /** The fragment of a word whose start was cut, given the digits heard (1 to 3). */
  public static String headCut(CharSequence digitsHeard) {
    if (digitsHeard.length() < 1 || digitsHeard.length() > 3) {
      throw new IllegalArgumentException("1 to 3 digits, was " + digitsHeard);
    }
    return digitsHeard.toString();
  }

  /** The fragment of a word whose end was cut, given the digits heard after its speaker symbol (0 to 2). */
  public static String tailCut(CharSequence digitsHeard) {
    if (digitsHeard.length() > 2) {
      throw new IllegalArgumentException("0 to 2 digits, was " + digitsHeard);
    }
    return "w" + digitsHeard;
  }

  public static boolean isFragment(String token) {
    return FORMAT.matcher(token).matches();
  }
}
