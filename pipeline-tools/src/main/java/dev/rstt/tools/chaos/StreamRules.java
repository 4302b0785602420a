package dev.rstt.tools.chaos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Rules on the order of what the app received. Pure.
 *
 * <p><b>Episodes, as the app observes them.</b> A visible degraded episode opens with {@code stt_degraded} and closes
 * with {@code stt_recovered}; the two alternate, starting with {@code stt_degraded} (a session that ends degraded may
 * end with one open: the app never sees {@code batch_finished}).
 *
 * <p><b>"Each {@code stt_recovered} after that episode's last segment".</b> The app cannot see which segments came from
 * the batch path, but it can see their signature: audio rerouted to the batch path is transcribed behind the live
 * path, so its words reach the app <em>late</em>, after words spoken later. Precisely: a word is <em>late</em> when
 * it first appears in a segment upsert after an earlier upsert already held a word spoken after it (script order).
 * Every late word must arrive while a visible episode is open: one arriving after an episode's {@code stt_recovered}
 * (and before the next {@code stt_degraded}) is an episode's word delivered after its recovery was announced; one
 * arriving before any {@code stt_degraded} is a batch word the app was never told about. With every word of the
 * session in order (checked by {@link TranscriptRules}), this is what the app can know: at {@code stt_recovered} the
 * transcript up to the live path's resume point is in.
 */
final class StreamRules {

  private StreamRules() {
  }

  /**
   * {@code session_resumed}: what follows is the session so far (one upsert) and its state: the latest episode status
   * when it is not the latest status, then the latest status (docs/CONTRACT.md section 10). The first sets the state.
   */
  static boolean isResumed(AppEvent e) {
    return e.type() == AppEvent.Type.OTHER && e.raw() != null && e.raw().contains("\"session_resumed\"");
  }

  /**
   * The app's transcript after the events: upserts by id, deletions applied, in order of first arrival. Over the
   * sockets of a resumed session the app keeps what it has: a resumed socket's snapshot is one more upsert.
   */
  static List<SegmentView> finalView(List<AppEvent> events) {
    Map<String, SegmentView> view = new LinkedHashMap<>();
    for (AppEvent e : events) {
      if (e.type() == AppEvent.Type.SEGMENTS) {
        e.segments().forEach(s -> view.put(s.id(), s));
      } else if (e.type() == AppEvent.Type.DELETED) {
        e.deletedIds().forEach(view::remove);
      }
    }
    return new ArrayList<>(view.values());
  }

  /** Statuses in order of arrival. */
  static List<String> statuses(List<AppEvent> events) {
    return events.stream().filter(e -> e.type() == AppEvent.Type.STATUS).map(AppEvent::status).toList();
  }

  /** The app's episode state between sockets: an episode open (heard {@code stt_degraded}), and ever degraded. */
  record Episodes(boolean open, boolean everDegraded) {
    static final Episodes NONE = new Episodes(false, false);
  }

  /** One socket's events, judged from a fresh app (not degraded). */
  static List<Violation> check(String session, String sessionId, List<AppEvent> events, List<LegWords.Word> words) {
    return checkSockets(session, sessionId, List.of(events), words);
  }

  /**
   * The sockets of one pipeline session, in order. The app keeps its state across sockets: a resumed socket is
   * judged from the episode state the app had at the end of the previous one (a socket resumed while the merger
   * was unreachable may hear no snapshot, so no status, before late batch words of an episode announced on an
   * earlier socket); a snapshot's first status, when one comes, replaces that state (a later one, the latest status
   * after the episode's, is news like any other).
   */
  static List<Violation> checkSockets(String session, String sessionId, List<List<AppEvent>> sockets,
      List<LegWords.Word> words) {
    List<Violation> v = new ArrayList<>();
    Episodes state = Episodes.NONE;
    for (List<AppEvent> events : sockets) {
      state = checkSocket(session, sessionId, events, words, state, v);
    }
    return v;
  }

  private static Episodes checkSocket(String session, String sessionId, List<AppEvent> events,
      List<LegWords.Word> words, Episodes start, List<Violation> v) {
    Map<String, Integer> index = new HashMap<>();
    words.forEach(w -> index.put(w.text(), w.index()));
    Map<String, String> sttOfSegment = new HashMap<>();
    Set<Integer> seen = new HashSet<>();
    int latestSpoken = -1;
    boolean open = start.open();
    boolean everDegraded = start.everDegraded();
    boolean resumedState = false;
    for (AppEvent e : events) {
      if (isResumed(e)) {
        resumedState = true; // the snapshot and the latest status follow: they set the state, not change it
        continue;
      }
      if (e.type() == AppEvent.Type.STATUS && resumedState) {
        resumedState = false;
        open = "stt_degraded".equals(e.status());
        everDegraded |= open;
        continue;
      }
      if (e.type() == AppEvent.Type.STATUS) {
        if ("stt_degraded".equals(e.status())) {
          if (open) {
            v.add(new Violation(session, sessionId, null, "stt_degraded while an episode is open (unbalanced)"));
          }
          open = true;
          everDegraded = true;
        } else if ("stt_recovered".equals(e.status())) {
          if (!open) {
            v.add(new Violation(session, sessionId, null, "stt_recovered without an open episode (unbalanced)"));
          }
          open = false;
        }
        continue;
      }
      if (e.type() != AppEvent.Type.SEGMENTS) {
        continue;
      }
      int latestBefore = latestSpoken;
      for (SegmentView s : e.segments()) {
        String previous = sttOfSegment.putIfAbsent(s.id(), Objects.toString(s.sttSession(), ""));
        if (previous != null && !previous.equals(Objects.toString(s.sttSession(), ""))) {
          v.add(new Violation(session, sessionId, null, "segment " + s.id() + " changed stt_session from "
              + previous + " to " + s.sttSession()));
        }
        for (String token : s.tokens()) {
          Integer i = index.get(token);
          if (i == null || !seen.add(i)) {
            continue;
          }
          latestSpoken = Math.max(latestSpoken, i);
          if (i < latestBefore && !open) {
            v.add(new Violation(session, sessionId, token, everDegraded
                ? "arrived after stt_recovered, behind later words: its episode's recovery came before its last segment"
                : "arrived behind later words with no stt_degraded: a batch word the app was not told about"));
          }
        }
      }
    }
    return new Episodes(open, everDegraded);
  }
}
