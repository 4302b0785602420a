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
 * Verifies every socket of a chaos run against its tone script, the ground truth. Pure: it reads what the driver
 * recorded and decides.
 *
 * <p>How a socket ended decides which transcript is judged:
 * <ul>
 *   <li>{@link End#NORMAL}: {@code stop} sent, close 1000. The app's transcript must hold every word; the stored
 *   transcript must equal it (same segments: id, text, times, stt_session) and say {@code complete: true}.
 *   <li>{@link End#PENDING}: {@code stop} sent, closed with a documented "not complete yet" code (4010
 *   {@code transcript_pending}). The stored transcript must end complete with every word; the app's words must all
 *   be in it.
 *   <li>{@link End#CUT}: the socket died without a close frame while its gateway was being killed. Only the audio
 *   Kafka holds ({@link DurablePosition}) can be transcribed: its words are required in the stored transcript (which
 *   must end complete if the {@code SessionEnded} made it to Kafka); the words sent after it are the in-flight loss of
 *   a gateway kill, counted apart (resumable sessions will remove it), as are the words cut by the reconnect.
 *   <li>{@link End#UNEXPECTED}: any other end (a close the app did not ask for, no close after stop): a violation,
 *   and the stored transcript is judged as for a cut socket without its in-flight allowance.
 * </ul>
 * On top: the rules of the app's stream ({@link StreamRules}) and of each transcript ({@link TranscriptRules}).
 */
public final class ChaosChecker {

  /** How a socket ended. */
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

  /** The verdict on one socket. */
  public record LegVerdict(String session, int leg, String sessionId, End end, int closeCode, int words,
      int required, int delivered, int lost, int doubled, int inFlight, List<String> statuses,
      List<Violation> violations) {
  }

  /** The verdict on a run. */
  public record Result(List<LegVerdict> legs, List<Violation> violations, int words, int lost, int doubled,
      int inFlight) {
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
    int inFlight = 0;
    for (List<LegRecord> session : bySession.values()) {
      End previousEnd = null;
      for (LegRecord leg : session) {
        End end = classify(leg, kills);
        LegVerdict verdict = checkLeg(leg, end);
        // Words cut by the reconnect itself: spoken across the point where one socket stopped and the next began.
        List<Violation> boundary = new ArrayList<>();
        int cutByReconnect = 0;
        if (leg.leg() > 0) {
          for (ExpectedWord w : LegWords.straddling(leg.script(), leg.firstSample())) {
            if (previousEnd == End.CUT) {
              cutByReconnect++;
            } else {
              boundary.add(new Violation(leg.session(), leg.sessionId(), w.text(),
                  "lost at a reconnect after an unexpected close"));
            }
          }
        }
        List<Violation> vs = new ArrayList<>(verdict.violations());
        vs.addAll(boundary);
        verdict = new LegVerdict(verdict.session(), verdict.leg(), verdict.sessionId(), end, leg.closeCode(),
            verdict.words() + cutByReconnect + boundary.size(), verdict.required(), verdict.delivered(),
            verdict.lost() + boundary.size(), verdict.doubled(), verdict.inFlight() + cutByReconnect,
            verdict.statuses(), vs);
        verdicts.add(verdict);
        all.addAll(vs);
        words += verdict.words();
        lost += verdict.lost();
        doubled += verdict.doubled();
        inFlight += verdict.inFlight();
        previousEnd = end;
      }
    }
    return new Result(verdicts, all, words, lost, doubled, inFlight);
  }

  End classify(LegRecord leg, List<GatewayKill> kills) {
    boolean stopped = leg.stopSentAtMs() != null;
    if (stopped && leg.closeCode() == 1000) {
      return End.NORMAL;
    }
    if (stopped && settings.pendingCloseCodes().contains(leg.closeCode())) {
      return End.PENDING;
    }
    boolean abnormal = leg.closeCode() == LegRecord.ERROR || leg.closeCode() == 1006;
    if (abnormal) {
      for (GatewayKill k : kills) {
        if (k.gateway() == leg.gateway() && leg.closedAtMs() >= k.atMs() - 1_000
            && leg.closedAtMs() <= k.atMs() + settings.killAttributionMs()) {
          return End.CUT;
        }
      }
    }
    return End.UNEXPECTED;
  }

  private LegVerdict checkLeg(LegRecord leg, End end) {
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
      v.add(new Violation(s, id, null, leg.closeCode() == LegRecord.NEVER
          ? "no close after stop within the wait"
          : "socket ended with " + closeText(leg) + (leg.stopSentAtMs() == null ? " before stop" : " after stop")
              + ", not by a gateway kill"));
    }
    List<LegWords.Word> words = LegWords.of(leg.script(), leg.sampleRate(), leg.firstSample(), span, requiredEnd);
    List<SegmentView> appView = StreamRules.finalView(leg.events());
    v.addAll(StreamRules.check(s, id, leg.events(), words));
    List<TranscriptRules.Edge> edges = new ArrayList<>();
    if (leg.leg() > 0) {
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
    int inFlight = end == End.CUT ? outcome.missingOptional() : 0;
    return new LegVerdict(s, leg.leg(), id, end, leg.closeCode(), words.size(), required, outcome.delivered(),
        outcome.lost(), outcome.doubled(), inFlight, StreamRules.statuses(leg.events()), v);
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
