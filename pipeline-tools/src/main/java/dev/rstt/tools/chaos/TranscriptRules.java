package dev.rstt.tools.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The word-by-word rules for one transcript (the app's, or the stored one) against the words a socket is accountable
 * for: every required word exactly once, no word twice, words in spoken order, each inside its segment (within the
 * tolerance), every token a real word (no fragment, nothing foreign), every segment tagged with its stt_session. Pure.
 */
final class TranscriptRules {

  /** The emulator's fragment tokens: digits heard after a cut start, or {@code w} and up to two digits before a cut end. */
  static final Pattern FRAGMENT = Pattern.compile("[0-9]{1,3}|w[0-9]{0,2}");

  /**
   * What the rules found. {@code missingOptional} are words the socket was not accountable for that did not appear;
   * {@code found} the script indexes of the words that appeared at least once.
   */
  record Outcome(int delivered, int lost, int doubled, int missingOptional, java.util.Set<Integer> found,
      List<Violation> violations) {
  }

  /** A window of the leg's timeline where a cut word may legitimately leave a fragment (a socket's cut edge). */
  record Edge(double from, double to) {
    boolean covers(SegmentView s) {
      return s.start() < to && s.end() > from;
    }
  }

  private TranscriptRules() {
  }

  /** Segments in transcript order: by start time, ties kept in the order given. */
  static List<SegmentView> ordered(List<SegmentView> segments) {
    List<SegmentView> sorted = new ArrayList<>(segments);
    sorted.sort(Comparator.comparingDouble(SegmentView::start));
    return sorted;
  }

  static Outcome check(String session, String sessionId, String what, List<SegmentView> segments,
      List<LegWords.Word> words, double toleranceS, List<Edge> fragmentEdges) {
    List<Violation> v = new ArrayList<>();
    Map<String, LegWords.Word> byText = new HashMap<>();
    words.forEach(w -> byText.put(w.text(), w));
    Map<String, Integer> counts = new HashMap<>();
    List<LegWords.Word> sequence = new ArrayList<>();
    for (SegmentView s : ordered(segments)) {
      if (s.sttSession() == null || s.sttSession().isBlank()) {
        v.add(new Violation(session, sessionId, null, what + ": segment " + s.id() + " has no stt_session"));
      }
      for (String token : s.tokens()) {
        LegWords.Word w = byText.get(token);
        if (w == null) {
          if (FRAGMENT.matcher(token).matches()) {
            if (fragmentEdges.stream().noneMatch(e -> e.covers(s))) {
              v.add(new Violation(session, sessionId, token, what + ": fragment token survives in segment "
                  + s.id() + span(s)));
            }
          } else {
            v.add(new Violation(session, sessionId, token, what + ": unexpected word in segment " + s.id() + span(s)));
          }
          continue;
        }
        counts.merge(token, 1, Integer::sum);
        sequence.add(w);
        if (s.start() > w.start() + toleranceS || s.end() < w.end() - toleranceS) {
          v.add(new Violation(session, sessionId, token, String.format(Locale.ROOT,
              "%s: outside its segment %s [%.3f, %.3f] (spoken [%.3f, %.3f], tolerance %.0f ms)", what, s.id(),
              s.start(), s.end(), w.start(), w.end(), toleranceS * 1000)));
        }
      }
    }
    int delivered = 0;
    int lost = 0;
    int doubled = 0;
    int missingOptional = 0;
    java.util.Set<Integer> found = new java.util.HashSet<>();
    for (LegWords.Word w : words) {
      int n = counts.getOrDefault(w.text(), 0);
      if (n == 0 && w.required()) {
        lost++;
        v.add(new Violation(session, sessionId, w.text(), String.format(Locale.ROOT, "%s: lost (spoken at %.3f s)",
            what, w.start())));
      } else if (n == 0) {
        missingOptional++;
      } else {
        delivered++;
        found.add(w.index());
      }
      if (n > 1) {
        doubled += n - 1;
        v.add(new Violation(session, sessionId, w.text(), what + ": doubled (" + n + " copies)"));
      }
    }
    for (LegWords.Word w : outOfOrder(sequence)) {
      v.add(new Violation(session, sessionId, w.text(), what + ": out of spoken order"));
    }
    return new Outcome(delivered, lost, doubled, missingOptional, found, v);
  }

  /** The words not on a longest run in spoken order (a word heard twice counts once: its first place). */
  static List<LegWords.Word> outOfOrder(List<LegWords.Word> sequence) {
    List<LegWords.Word> firsts = new ArrayList<>();
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (LegWords.Word w : sequence) {
      if (seen.add(w.index())) {
        firsts.add(w);
      }
    }
    int n = firsts.size();
    int[] tailIndex = new int[n + 1];
    int[] previous = new int[n];
    int length = 0;
    for (int i = 0; i < n; i++) {
      int lo = 1;
      int hi = length;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        if (firsts.get(tailIndex[mid]).index() < firsts.get(i).index()) {
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      previous[i] = lo > 1 ? tailIndex[lo - 1] : -1;
      tailIndex[lo] = i;
      length = Math.max(length, lo);
    }
    boolean[] onRun = new boolean[n];
    for (int k = length > 0 ? tailIndex[length] : -1; k >= 0; k = previous[k]) {
      onRun[k] = true;
    }
    List<LegWords.Word> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (!onRun[i]) {
        out.add(firsts.get(i));
      }
    }
    return out;
  }

  private static String span(SegmentView s) {
    return String.format(Locale.ROOT, " [%.3f, %.3f]", s.start(), s.end());
  }
}
