package dev.rstt.merger.merge;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A session's segments ordered by start time, with their ids (docs/CONTRACT.md sections 6.3, 6.4 and 6.7): where
 * a new segment goes, what it is combined with, and how a segment gives up words to better copies. Every change
 * is recorded in a {@link Changes}, which becomes one update's upserts and removals. Pure; not thread-safe.
 */
final class Timeline {

  /** What one input event changed: segments to upsert (by id) and ids the app must delete. */
  static final class Changes {
    private final Map<String, Segment> upserts = new LinkedHashMap<>();
    private final Set<String> removed = new LinkedHashSet<>();
    private final Set<String> created = new HashSet<>();

    void upsert(Segment s) {
      upserts.put(s.id(), s);
      removed.remove(s.id()); // an id freed and taken again in one update: the upsert replaces it
    }

    void create(Segment s) {
      created.add(s.id());
      upsert(s);
    }

    void remove(String id) {
      upserts.remove(id);
      if (!created.remove(id)) {
        removed.add(id); // the app has it: tell it to delete it
      }
    }

    List<Segment> upserts() {
      return new ArrayList<>(upserts.values());
    }

    List<String> removed() {
      return new ArrayList<>(removed);
    }

    boolean isEmpty() {
      return upserts.isEmpty() && removed.isEmpty();
    }
  }

  private final String sessionId;
  private final List<Segment> segments = new ArrayList<>();
  private final Set<String> ids = new HashSet<>();

  Timeline(String sessionId) {
    this.sessionId = sessionId;
  }

  List<Segment> segments() {
    return Collections.unmodifiableList(segments);
  }

  /**
   * Takes out the segments that end before {@code boundary} (seconds) from the start of the timeline, in order,
   * stopping at the first that does not, and keeping the last segment that starts at or before it: a word
   * arriving at the boundary or later finds its predecessor (section 6.4) open. Their ids leave the id set: a
   * closed segment is never changed again (docs/CONTRACT.md section 6.8).
   */
  List<Segment> closeBefore(double boundary) {
    int n = 0;
    while (n + 1 < segments.size() && segments.get(n).end() < boundary
        && segments.get(n + 1).start() <= boundary) {
      n++;
    }
    if (n == 0) {
      return List.of();
    }
    List<Segment> closed = new ArrayList<>(segments.subList(0, n));
    segments.subList(0, n).clear();
    closed.forEach(s -> ids.remove(s.id()));
    return closed;
  }

  /** Start of the first open segment; {@link Double#POSITIVE_INFINITY} when there is none. */
  double firstStart() {
    return segments.isEmpty() ? Double.POSITIVE_INFINITY : segments.get(0).start();
  }

  /** Rebuilds from the stored segments (already in order). */
  void restore(Segment s) {
    segments.add(s);
    ids.add(s.id());
  }

  /**
   * Inserts {@code candidate} (no id yet) by start time (after equal starts) and combines it with the segment
   * just before it, if the rules allow (section 6.4).
   */
  void place(Segment candidate, Changes changes) {
    int at = insertionPoint(candidate.start());
    Segment previous = at > 0 ? segments.get(at - 1) : null;
    if (CombineRules.canMerge(previous, candidate)) {
      previous.absorb(candidate);
      changes.upsert(previous);
      untangle(previous, changes);
      return;
    }
    Segment placed = candidate.withId(newId(candidate));
    segments.add(at, placed);
    ids.add(placed.id());
    changes.create(placed);
    untangle(placed, changes);
  }

  /**
   * Keeps the transcript readable in segment order: no segment may hold a word that starts after a later segment
   * starts (a late final of another speaker inside a combined segment, a segment that grew past the next one).
   * Such a segment is split there; its first part keeps the id. Only segments overlapping {@code changed} can
   * break the rule, the rest held it before.
   */
  private void untangle(Segment changed, Changes changes) {
    double from = changed.start();
    double to = changed.end();
    boolean split = true;
    while (split) {
      split = false;
      for (int i = 0; i < segments.size() && !split; i++) {
        Segment x = segments.get(i);
        if (x.end() < from || x.start() > to) {
          continue;
        }
        double last = x.lastWordStart();
        for (int j = i + 1; j < segments.size() && segments.get(j).start() < last; j++) {
          List<Word> later = x.splitAfter(segments.get(j).start());
          segments.remove(i);
          insert(x);
          changes.upsert(x);
          Segment part = x.part(later);
          Segment placed = part.withId(newId(part));
          insert(placed);
          ids.add(placed.id());
          changes.create(placed);
          from = Math.min(from, placed.start());
          to = Math.max(to, placed.end());
          split = true;
          break;
        }
      }
    }
  }

  /** The accepted words of other stt_sessions that {@code candidate} is a copy of, with where each lies. */
  List<CopyRules.Copy> copiesOf(CopyRules.Copy candidate, Coverage coverage) {
    Word w = candidate.word();
    List<CopyRules.Copy> copies = new ArrayList<>(1);
    for (Segment s : segments) {
      double reach = CopyRules.reach(w.duration(), s.end() - s.start());
      if (s.start() > w.end() + reach || s.end() < w.start() - reach) {
        continue;
      }
      for (Word a : s.words()) {
        CopyRules.Copy accepted = CopyRules.locate(a, coverage.of(a.sttSession()));
        if (CopyRules.sameWord(accepted, candidate)) {
          copies.add(accepted);
        }
      }
    }
    return copies;
  }

  /**
   * Takes {@code replaced} words (by identity) out of their segments: a segment that loses its last word is
   * removed; one that loses a word between others is split there, so that no segment spans the better copy that
   * takes the word's place (its first part keeps the id; each later part is a new segment).
   */
  void remove(Set<Word> replaced, Changes changes) {
    List<Segment> affected = new ArrayList<>();
    for (Segment s : segments) {
      if (s.holdsAny(replaced)) {
        affected.add(s);
      }
    }
    for (Segment s : affected) {
      segments.remove(s);
      List<List<Word>> runs = s.remove(replaced);
      if (runs.isEmpty()) {
        ids.remove(s.id());
        changes.remove(s.id());
        continue;
      }
      insert(s);
      changes.upsert(s);
      for (List<Word> run : runs.subList(1, runs.size())) {
        Segment part = s.part(run);
        Segment placed = part.withId(newId(part));
        insert(placed);
        ids.add(placed.id());
        changes.create(placed);
      }
    }
  }

  private void insert(Segment s) {
    segments.add(insertionPoint(s.start()), s);
  }

  private int insertionPoint(double start) {
    int at = segments.size();
    while (at > 0 && segments.get(at - 1).start() > start) {
      at--;
    }
    return at;
  }

  /** Deterministic: session, stt_session and first word start; a clash (same start) takes the next suffix. */
  private String newId(Segment s) {
    String base = sessionId + "/" + (s.sttSession() == null ? "-" : s.sttSession()) + "/"
        + Math.round(s.start() * 1_000_000d);
    String id = UUID.nameUUIDFromBytes(base.getBytes(StandardCharsets.UTF_8)).toString();
    for (int n = 1; ids.contains(id); n++) {
      id = UUID.nameUUIDFromBytes((base + "#" + n).getBytes(StandardCharsets.UTF_8)).toString();
    }
    return id;
  }
}
