package dev.rstt.tools.chaos;

import dev.rstt.testsupport.ToneScript.ExpectedWord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Verifies every session of a chaos run against its tone script, the ground truth. Pure: it reads what the driver
 * recorded and decides.
 *
 * <p>A chaos session is one or more pipeline sessions, each one or more sockets: a socket that drops is followed by
 * one that resumes the same pipeline session and resends what the gateway asks for (docs/CONTRACT.md section 10), so
 * the sockets of a pipeline session are judged together, on its one timeline, by how the last of them ended:
 * <ul>
 *   <li>{@link End#NORMAL}: {@code stop} sent, close 1000. The app's transcript (what all its sockets received, in
 *   order: the app keeps its view, a resumed socket's snapshot is one more upsert) must hold every word; the stored transcript must equal it
 *   (same segments: id, text, times, stt_session) and say {@code complete: true}.
 *   <li>{@link End#PENDING}: {@code stop} sent, closed with a documented "not complete yet" code (4010
 *   {@code transcript_pending}), or a resume after stop refused because the session had ended meanwhile. The stored
 *   transcript must end complete with every word; the app's words must all be in it.
 *   <li>{@link End#CUT}: the last socket died without a close frame (the app's network, or its gateway killed) and
 *   its resume was refused (the window passed, e.g. during a broker stall longer than it) or never came. Only the
 *   audio Kafka holds ({@link DurablePosition}) can be transcribed in this pipeline session: its words are required
 *   in the stored transcript (which must end complete if the {@code SessionEnded} made it to Kafka); the app resends
 *   the rest in a new pipeline session.
 *   <li>{@link End#UNEXPECTED}: any other end (a close the app did not ask for, no close after stop): a violation,
 *   and the stored transcript is judged as for a cut session.
 * </ul>
 * Then, over the whole chaos session: every script word the app sent must be in the judged transcript of some
 * pipeline session; a word cut at a socket's end (a gateway killed, a dropped socket) counts as lost unless it was
 * resent and transcribed. On top: the rules of each socket's stream ({@link StreamRules}) and of each transcript
 * ({@link TranscriptRules}).
 */
public final class ChaosChecker {

  /** How a pipeline session ended. */
  public enum End { NORMAL, PENDING, CUT, UNEXPECTED }

  /**
   * @param toleranceS a word lies inside its segment within this (50 ms; more for realism runs)
   * @param pendingCloseCodes close codes after stop that say "transcript not complete yet" (4010)
   * @param killAttributionMs a socket that died this long after its gateway was killed died of the kill
   */
  public record Settings(double toleranceS, Set<Integer> pendingCloseCodes, long killAttributionMs) {
    public Settings {
      pendingCloseCodes = Set.copyOf(pendingCloseCodes);
      if (toleranceS < 0 || killAttributionMs < 0) {
        throw new IllegalArgumentException("tolerance and attribution window must not be negative");
      }
    }

    public static Settings defaults() {
      return new Settings(0.050, Set.of(4010), 60_000);
    }

    public Settings withToleranceS(double t) {
      return new Settings(t, pendingCloseCodes, killAttributionMs);
    }
  }

  /** A gateway kill as it was done: which gateway, when (epoch ms). */
  public record GatewayKill(int gateway, long atMs) {
  }

  /** The verdict on one pipeline session (its first socket's leg number; {@code sockets} how many it had). */
  public record LegVerdict(String session, int leg, String sessionId, End end, int closeCode, int words,
      int required, int delivered, int lost, int doubled, int sockets, List<String> statuses,
      List<Violation> violations) {
  }

  /**
   * The verdict on a run: {@code words} the script words the apps sent, {@code resumes} the sockets that resumed a
   * session.
   */
  public record Result(List<LegVerdict> legs, List<Violation> violations, int words, int lost, int doubled,
      int resumes) {
  }

  private final Settings settings;

  public ChaosChecker(Settings settings) {
    this.settings = settings;
  }

  public Result check(List<LegRecord> legs, List<GatewayKill> kills) {
    Map<String, List<LegRecord>> bySession = new LinkedHashMap<>();
    legs.stream().sorted(Comparator.comparing(LegRecord::session).thenComparingInt(LegRecord::leg))
        .forEach(l -> bySession.computeIfAbsent(l.session(), k -> new ArrayList<>()).add(l));
    List<LegVerdict> verdicts = new ArrayList<>();
    List<Violation> all = new ArrayList<>();
    int words = 0;
    int lost = 0;
    int doubled = 0;
    int resumes = (int) legs.stream().filter(l -> l.resumed() && !l.refusedResume()).count();
    for (List<LegRecord> session : bySession.values()) {
      Set<Integer> found = new HashSet<>();
      Set<Integer> countedLost = new HashSet<>();
      long sentEnd = 0;
      for (List<LegRecord> group : pipelineSessions(session)) {
        LegRecord merged = merge(group);
        End end = classify(merged, group, kills);
        Judged judged = checkSession(merged, end, group);
        verdicts.add(judged.verdict());
        all.addAll(judged.verdict().violations());
        lost += judged.verdict().lost();
        doubled += judged.verdict().doubled();
        found.addAll(judged.found());
        countedLost.addAll(judged.lostIndexes());
        sentEnd = Math.max(sentEnd, merged.firstSample() + merged.sentSamples());
      }
      // every word the app sent, once over the chaos session: lost unless some pipeline session transcribed it
      LegRecord first = session.get(0);
      List<ExpectedWord> script = first.script();
      for (int i = 0; i < script.size(); i++) {
        ExpectedWord w = script.get(i);
        if (w.endSample() > sentEnd) {
          continue;
        }
        words++;
        if (!found.contains(i) && !countedLost.contains(i)) {
          lost++;
          Violation v = new Violation(first.session(), session.get(session.size() - 1).sessionId(), w.text(),
              String.format(Locale.ROOT, "lost: sent (script %.3f s) but in no transcript: cut at a socket's end "
                  + "and not resent", w.startSample() / (double) first.sampleRate()));
          all.add(v);
        }
      }
    }
    return new Result(verdicts, all, words, lost, doubled, resumes);
  }

  /** Consecutive sockets of one pipeline session (a refused resume belongs to the session it tried). */
  static List<List<LegRecord>> pipelineSessions(List<LegRecord> legs) {
    List<List<LegRecord>> groups = new ArrayList<>();
    for (LegRecord l : legs) {
      List<LegRecord> last = groups.isEmpty() ? null : groups.get(groups.size() - 1);
      if (last != null && l.resumed() && l.sessionId() != null && l.sessionId().equals(last.get(0).sessionId())) {
        last.add(l);
      } else {
        groups.add(new ArrayList<>(List.of(l)));
      }
    }
    return groups;
  }

  /** The sockets of one pipeline session as one: its timeline, all it sent, how its last socket ended. */
  static LegRecord merge(List<LegRecord> group) {
    List<LegRecord> real = group.stream().filter(l -> !l.refusedResume()).toList();
    LegRecord first = group.get(0);
    LegRecord last = real.isEmpty() ? first : real.get(real.size() - 1);
    long base = first.sessionBase();
    long end = group.stream().mapToLong(l -> l.firstSample() + l.sentSamples()).max().orElse(base);
    Long stop = group.stream().map(LegRecord::stopSentAtMs).filter(java.util.Objects::nonNull).findFirst()
        .orElse(null);
    StoredTranscript stored = group.stream().map(LegRecord::stored).filter(java.util.Objects::nonNull)
        .reduce((a, b) -> b).orElse(null);
    DurablePosition durable = group.stream().map(LegRecord::durable).filter(java.util.Objects::nonNull)
        .reduce((a, b) -> b).orElse(null);
    List<AppEvent> events = real.stream().flatMap(l -> l.events().stream()).toList(); // the app keeps its view
    return new LegRecord(first.session(), first.leg(), first.userId(), first.script(), first.sampleRate(), base,
        Math.max(0, end - base), last.gateway(), first.sessionId(), first.startedAtMs(), stop, last.closeCode(),
        last.closeReason(), last.errorCode(), last.closedAtMs(), events, stored, durable, base, false,
        last.dropped());
  }

  End classify(LegRecord merged, List<LegRecord> group, List<GatewayKill> kills) {
    boolean stopped = merged.stopSentAtMs() != null;
    boolean refused = group.get(group.size() - 1).refusedResume();
    if (stopped && !refused && merged.closeCode() == 1000) {
      return End.NORMAL;
    }
    if (stopped && (refused || settings.pendingCloseCodes().contains(merged.closeCode()))) {
      return End.PENDING;
    }
    boolean abnormal = merged.closeCode() == LegRecord.ERROR || merged.closeCode() == 1006
        || merged.closeCode() == LegRecord.NEVER;
    if (abnormal && merged.dropped()) {
      return End.CUT;
    }
    if (abnormal) {
      for (GatewayKill k : kills) {
        if (k.gateway() == merged.gateway() && merged.closedAtMs() >= k.atMs() - 1_000
            && merged.closedAtMs() <= k.atMs() + settings.killAttributionMs()) {
          return End.CUT;
        }
      }
    }
    return End.UNEXPECTED;
  }

  private record Judged(LegVerdict verdict, Set<Integer> found, Set<Integer> lostIndexes) {
  }

  private Judged checkSession(LegRecord leg, End end, List<LegRecord> group) {
    String s = leg.session();
    String id = leg.sessionId();
    List<Violation> v = new ArrayList<>();
    DurablePosition durable = leg.durable();
    Long requiredEnd = null;
    long span = leg.sentSamples();
    if (end == End.CUT || end == End.UNEXPECTED) {
      if (durable == null) {
        v.add(new Violation(s, id, null, "what Kafka holds of this session is unknown (audio.frames not read)"));
      } else {
        span = Math.max(span, durable.endSample());
        if (end == End.CUT) {
          requiredEnd = durable.endSample();
        }
      }
    }
    if (end == End.UNEXPECTED) {
      v.add(new Violation(s, id, null, leg.closeCode() == LegRecord.NEVER && leg.stopSentAtMs() != null
          ? "no close after stop within the wait"
          : "socket ended with " + closeText(leg) + (leg.stopSentAtMs() == null ? " before stop" : " after stop")
              + ", not by a gateway kill or a dropped socket"));
    }
    List<LegWords.Word> words = LegWords.of(leg.script(), leg.sampleRate(), leg.firstSample(), span, requiredEnd);
    List<SegmentView> appView = StreamRules.finalView(leg.events());
    v.addAll(StreamRules.checkSockets(s, id, group.stream().map(LegRecord::events).toList(), words));
    List<TranscriptRules.Edge> edges = new ArrayList<>();
    if (leg.firstSample() > 0) {
      edges.add(new TranscriptRules.Edge(0, 0.3));
    }
    if (requiredEnd != null) {
      double endS = requiredEnd / (double) leg.sampleRate();
      edges.add(new TranscriptRules.Edge(endS - 0.3, endS + 0.3));
    }
    StoredTranscript stored = leg.stored();
    boolean storedOk = stored != null && stored.ok();
    if (!storedOk) {
      v.add(new Violation(s, id, null, "stored transcript unavailable"
          + (stored == null ? "" : " (HTTP " + stored.httpStatus() + ": " + stored.error() + ")")));
    }
    TranscriptRules.Outcome outcome;
    if (end == End.NORMAL) {
      outcome = TranscriptRules.check(s, id, "app", appView, words, settings.toleranceS(), edges);
      if (storedOk) {
        if (!stored.complete()) {
          v.add(new Violation(s, id, null, "stored transcript not complete after close 1000"));
        }
        v.addAll(compare(s, id, appView, stored.segments()));
      }
    } else {
      boolean mustComplete = end == End.PENDING || (durable != null && durable.ended());
      if (storedOk && mustComplete && !stored.complete()) {
        v.add(new Violation(s, id, null, "stored transcript never became complete (close " + closeText(leg) + ")"));
      }
      List<SegmentView> judged = storedOk ? stored.segments() : appView;
      outcome = TranscriptRules.check(s, id, storedOk ? "stored" : "app", judged, words, settings.toleranceS(),
          edges);
      if (storedOk) {
        v.addAll(appWithinStored(s, id, appView, stored.segments()));
      }
    }
    v.addAll(outcome.violations());
    int required = (int) words.stream().filter(LegWords.Word::required).count();
    Set<Integer> lostIndexes = new HashSet<>();
    words.stream().filter(w -> w.required() && !outcome.found().contains(w.index()))
        .forEach(w -> lostIndexes.add(w.index()));
    int sockets = (int) group.stream().filter(l -> !l.refusedResume()).count();
    return new Judged(new LegVerdict(s, leg.leg(), id, end, leg.closeCode(), words.size(), required,
        outcome.delivered(), outcome.lost(), outcome.doubled(), sockets, StreamRules.statuses(leg.events()), v),
        outcome.found(), lostIndexes);
  }

  /** The stored transcript equals what the app saw: the same segments, by id. */
  static List<Violation> compare(String s, String id, List<SegmentView> app, List<SegmentView> stored) {
    List<Violation> v = new ArrayList<>();
    Map<String, SegmentView> storedById = new LinkedHashMap<>();
    stored.forEach(x -> storedById.put(x.id(), x));
    Set<String> appIds = new HashSet<>();
    for (SegmentView a : app) {
      appIds.add(a.id());
      SegmentView b = storedById.get(a.id());
      if (b == null) {
        v.add(new Violation(s, id, null, "stored transcript lacks the app's segment " + a.id() + " '" + a.text() + "'"));
      } else if (!a.sameAs(b)) {
        v.add(new Violation(s, id, null, String.format(Locale.ROOT,
            "stored segment %s differs from the app's: app '%s' [%.3f, %.3f] %s, stored '%s' [%.3f, %.3f] %s", a.id(),
            a.text(), a.start(), a.end(), a.sttSession(), b.text(), b.start(), b.end(), b.sttSession())));
      }
    }
    for (SegmentView b : stored) {
      if (!appIds.contains(b.id())) {
        v.add(new Violation(s, id, null, "the app never got the stored segment " + b.id() + " '" + b.text() + "'"));
      }
    }
    return v;
  }

  /** Every word the app saw is in the stored transcript (nothing it was shown disappeared). */
  static List<Violation> appWithinStored(String s, String id, List<SegmentView> app, List<SegmentView> stored) {
    Set<String> storedTokens = new HashSet<>();
    stored.forEach(x -> storedTokens.addAll(x.tokens()));
    List<Violation> v = new ArrayList<>();
    for (SegmentView a : app) {
      for (String t : a.tokens()) {
        if (!storedTokens.contains(t)) {
          v.add(new Violation(s, id, t, "the app saw it but the stored transcript lacks it"));
        }
      }
    }
    return v;
  }

  private static String closeText(LegRecord leg) {
    String code = switch (leg.closeCode()) {
      case LegRecord.ERROR -> "an error (no close frame)";
      case LegRecord.NEVER -> "no close";
      default -> Integer.toString(leg.closeCode());
    };
    return code + (leg.closeReason() == null || leg.closeReason().isBlank() ? "" : " '" + leg.closeReason() + "'")
        + (leg.errorCode() == null ? "" : " (" + leg.errorCode() + ")");
  }
}
