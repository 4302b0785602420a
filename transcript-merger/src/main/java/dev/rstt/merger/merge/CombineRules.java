package dev.rstt.merger.merge;

import java.util.Objects;

/**
 * omi's {@code _merge} pre-checks and rules (docs/CONTRACT.md section 6.4; omi-protocol.md section 2.3 and
 * 2.5), without the cross-speaker sentence repair, which moves words without their times.
 */
public final class CombineRules {

  /** Same-speaker merges need the next segment to start less than this many seconds after the previous ends. */
  public static final double MAX_GAP_SECONDS = 3.0;
  /** A previous segment this long (or longer) that ends a sentence is closed. */
  public static final int MAX_TEXT_LENGTH = 125;

  private CombineRules() {
  }

  /** Whether {@code b} (the later segment) is combined into {@code a} (the one just before it in time). */
  public static boolean canMerge(Segment a, Segment b) {
    if (a == null || b == null) {
      return false;
    }
    if (!Objects.equals(a.sttProvider(), b.sttProvider())) {
      return false;
    }
    if (barrierBlocks(a.sttSession(), b.sttSession())) {
      return false;
    }
    boolean sameSpeaker = Objects.equals(a.speaker(), b.speaker()) || (a.isUser() && b.isUser());
    if (!sameSpeaker) {
      return false;
    }
    // Rule 2: same speaker, gap < 3 s, and the previous text is short or does not end a sentence.
    if (b.start() - a.end() < MAX_GAP_SECONDS
        && (length(a.text()) < MAX_TEXT_LENGTH || !endsSentence(a.text()))) {
      return true;
    }
    // Rule 3: lowercase continuation, no time limit.
    return !a.text().isBlank() && !b.text().isBlank() && !endsSentence(a.text()) && startsLowercase(b.text());
  }

  /** omi's stt_session barrier: blocks only when both are set and differ (None+None, None+set, set+None merge). */
  public static boolean barrierBlocks(String a, String b) {
    return a != null && b != null && !a.equals(b);
  }

  public static boolean endsSentence(String text) {
    String t = text.strip();
    if (t.isEmpty()) {
      return false;
    }
    char last = t.charAt(t.length() - 1);
    return last == '.' || last == '?' || last == '!';
  }

  static boolean startsLowercase(String text) {
    String t = text.strip();
    return !t.isEmpty() && Character.isLowerCase(t.codePointAt(0));
  }

  static int length(String text) {
    return text.codePointCount(0, text.length());
  }

  /** omi's normalisation: strip, {@code "  "->" "}, {@code " ,"->","}, {@code " ."->"."}, {@code " ?"->"?"}. */
  public static String normalize(String text) {
    return text.strip().replace("  ", " ").replace(" ,", ",").replace(" .", ".").replace(" ?", "?");
  }
}
