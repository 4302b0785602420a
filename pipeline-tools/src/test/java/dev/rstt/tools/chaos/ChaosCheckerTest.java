package dev.rstt.tools.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.testsupport.ToneScript;
import dev.rstt.testsupport.ToneScript.ExpectedWord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ChaosCheckerTest {

  private static final int RATE = 16_000;
  /** w100..w109, 300 ms apart: w100 spoken [0.200, 0.460], each next one 0.580 s later. */
  private static final ToneScript SCRIPT = ToneScript.numbered(RATE, 100, 10, 1, 300);
  private static final List<ExpectedWord> WORDS = SCRIPT.words();
  private static final long T0 = 1_000_000L;

  private final ChaosChecker checker = new ChaosChecker(ChaosChecker.Settings.defaults());

  /** One segment per word, with the word's exact times (minus {@code shift} samples), of one stt_session. */
  private static SegmentView seg(ExpectedWord w, String stt, long shift) {
    return new SegmentView("seg-" + w.text() + "-" + stt, w.text().toUpperCase() + ".", (w.startSample() - shift)
        / (double) RATE, (w.endSample() - shift) / (double) RATE, stt);
  }

  private static List<AppEvent> upserts(List<ExpectedWord> words, String stt, long shift) {
    List<AppEvent> events = new ArrayList<>();
    events.add(AppEvent.status(T0, "ready"));
    long t = T0;
    for (ExpectedWord w : words) {
      events.add(AppEvent.segments(t += 100, List.of(seg(w, stt, shift))));
    }
    return events;
  }

  private static List<SegmentView> segments(List<ExpectedWord> words, String stt, long shift) {
    return words.stream().map(w -> seg(w, stt, shift)).toList();
  }

  private static LegRecord normal(List<AppEvent> events, StoredTranscript stored) {
    return new LegRecord("s00-0", 0, "u", WORDS, RATE, 0, SCRIPT.sampleCount(), 0, "S1", T0, T0 + 5_000L, 1000, "",
        null, T0 + 6_000, events, stored, null);
  }

  private static LegRecord healthy(UnaryOperator<List<AppEvent>> edit) {
    List<AppEvent> events = edit.apply(new ArrayList<>(upserts(WORDS, "L1", 0)));
    return normal(events, new StoredTranscript(200, StreamRules.finalView(events), true, null));
  }

  private ChaosChecker.Result check(LegRecord... legs) {
    return checker.check(List.of(legs), List.of());
  }

  private static List<String> whats(ChaosChecker.Result r) {
    return r.violations().stream().map(v -> v.word() + " " + v.what()).toList();
  }

  @Test
  void shouldPassAHealthySession() {
    ChaosChecker.Result r = check(healthy(e -> e));
    assertThat(r.violations()).isEmpty();
    assertThat(r.words()).isEqualTo(10);
    assertThat(r.legs().get(0).delivered()).isEqualTo(10);
    assertThat(r.legs().get(0).end()).isEqualTo(ChaosChecker.End.NORMAL);
  }

  @Test
  void shouldCountALostWord() {
    ChaosChecker.Result r = check(healthy(e -> {
      e.remove(4); // w103's upsert
      return e;
    }));
    assertThat(r.lost()).isEqualTo(1);
    assertThat(whats(r)).containsExactly("w103 app: lost (spoken at 1.940 s)");
  }

  @Test
  void shouldCountAWordTwiceAsDoubled() {
    ChaosChecker.Result r = check(healthy(e -> {
      e.add(AppEvent.segments(T0 + 5_000, List.of(seg(WORDS.get(2), "B1", 0))));
      return e;
    }));
    assertThat(r.doubled()).isEqualTo(1);
    assertThat(whats(r)).containsExactly("w102 app: doubled (2 copies)");
  }

  @Test
  void shouldFindAWordOutOfOrderAndOutsideItsSegment() {
    ChaosChecker.Result r = check(healthy(e -> {
      SegmentView w5 = seg(WORDS.get(5), "L1", 0);
      e.set(6, AppEvent.segments(T0 + 600, List.of(new SegmentView(w5.id(), w5.text(), 0.1, 0.15, "L1"))));
      return e;
    }));
    assertThat(whats(r)).contains("w105 app: out of spoken order")
        .anyMatch(s -> s.startsWith("w105 app: outside its segment"));
  }

  @Test
  void shouldHoldWordsInsideTheirSegmentWithinTheTolerance() {
    long shift40ms = RATE * 40 / 1000;
    List<AppEvent> late = upserts(WORDS, "L1", -shift40ms);
    assertThat(check(normal(late, new StoredTranscript(200, StreamRules.finalView(late), true, null))).violations())
        .isEmpty();
    long shift60ms = RATE * 60 / 1000;
    List<AppEvent> later = upserts(WORDS, "L1", -shift60ms);
    assertThat(whats(check(normal(later, new StoredTranscript(200, StreamRules.finalView(later), true, null)))))
        .hasSize(10).allMatch(s -> s.contains("outside its segment"));
  }

  @Test
  void shouldRejectFragmentsUnexpectedWordsAndSegmentsWithoutSttSession() {
    ChaosChecker.Result r = check(healthy(e -> {
      e.add(AppEvent.segments(T0 + 5_000, List.of(new SegmentView("f1", "w10", 1.0, 1.1, "B2"),
          new SegmentView("f2", "42.", 2.0, 2.1, "B2"), new SegmentView("x", "w999", 3.0, 3.26, null))));
      return e;
    }));
    assertThat(whats(r)).contains("w10 app: fragment token survives in segment f1 [1.000, 1.100]",
        "42 app: fragment token survives in segment f2 [2.000, 2.100]",
        "w999 app: unexpected word in segment x [3.000, 3.260]", "null app: segment x has no stt_session");
  }

  @Test
  void shouldRequireTheStoredTranscriptToEqualTheAppsAndBeComplete() {
    List<AppEvent> events = upserts(WORDS, "L1", 0);
    List<SegmentView> stored = new ArrayList<>(StreamRules.finalView(events));
    SegmentView first = stored.remove(0);
    stored.set(0, new SegmentView(stored.get(0).id(), "W101 W102.", stored.get(0).start(), stored.get(0).end(), "L1"));
    ChaosChecker.Result r = check(normal(events, new StoredTranscript(200, stored, false, null)));
    assertThat(whats(r)).contains("null stored transcript not complete after close 1000",
        "null stored transcript lacks the app's segment " + first.id() + " 'W100.'")
        .anyMatch(s -> s.contains("differs from the app's"));
    assertThat(whats(check(normal(events, StoredTranscript.failed(502, "merger down")))))
        .containsExactly("null stored transcript unavailable (HTTP 502: merger down)");
  }

  @Test
  void shouldApplyDeletionsToTheAppsTranscript() {
    ChaosChecker.Result r = check(healthy(e -> {
      e.add(AppEvent.deleted(T0 + 9_000, List.of(seg(WORDS.get(9), "L1", 0).id())));
      return e;
    }));
    assertThat(whats(r)).contains("w109 app: lost (spoken at 5.420 s)");
  }

  @Test
  void shouldNotLetASegmentChangeItsSttSession() {
    ChaosChecker.Result r = check(healthy(e -> {
      SegmentView s = seg(WORDS.get(3), "L1", 0);
      e.add(AppEvent.segments(T0 + 9_000, List.of(new SegmentView(s.id(), s.text(), s.start(), s.end(), "B7"))));
      return e;
    }));
    assertThat(whats(r)).anyMatch(s -> s.contains("changed stt_session from L1 to B7"));
  }

  /** Live words 0-3 and 7-9 first; the batch words 4-6 of an episode after them. */
  private static List<AppEvent> episode(boolean recoveredBeforeBatchWords, boolean degradedShown) {
    List<AppEvent> e = new ArrayList<>();
    e.add(AppEvent.status(T0, "ready"));
    for (int i : new int[] {0, 1, 2, 3}) {
      e.add(AppEvent.segments(T0 + i, List.of(seg(WORDS.get(i), "L1", 0))));
    }
    if (degradedShown) {
      e.add(AppEvent.status(T0 + 10, "stt_degraded"));
    }
    for (int i : new int[] {7, 8}) {
      e.add(AppEvent.segments(T0 + 20 + i, List.of(seg(WORDS.get(i), "L2", 0))));
    }
    if (recoveredBeforeBatchWords) {
      e.add(AppEvent.status(T0 + 30, "stt_recovered"));
    }
    e.add(AppEvent.segments(T0 + 40, segments(WORDS.subList(4, 7), "B1", 0)));
    if (!recoveredBeforeBatchWords) {
      e.add(AppEvent.status(T0 + 50, "stt_recovered"));
    }
    e.add(AppEvent.segments(T0 + 60, List.of(seg(WORDS.get(9), "L2", 0))));
    return e;
  }

  @Test
  void shouldAcceptBatchWordsThatArriveLateInsideTheirEpisode() {
    List<AppEvent> e = episode(false, true);
    assertThat(check(normal(e, new StoredTranscript(200, StreamRules.finalView(e), true, null))).violations())
        .isEmpty();
  }

  @Test
  void shouldFindAnEpisodesWordsArrivingAfterItsRecovery() {
    List<AppEvent> e = episode(true, true);
    assertThat(whats(check(normal(e, new StoredTranscript(200, StreamRules.finalView(e), true, null)))))
        .hasSize(3).allMatch(s -> s.contains("arrived after stt_recovered"));
  }

  @Test
  void shouldFindLateWordsWithoutAnyDegradedStatusAndUnbalancedEpisodes() {
    List<AppEvent> e = episode(false, false);
    assertThat(whats(check(normal(e, new StoredTranscript(200, StreamRules.finalView(e), true, null)))))
        .contains("null stt_recovered without an open episode (unbalanced)")
        .filteredOn(s -> s.contains("no stt_degraded")).hasSize(3);
    List<AppEvent> twice = episode(false, true);
    twice.add(3, AppEvent.status(T0 + 2, "stt_degraded"));
    twice.add(AppEvent.status(T0 + 99, "stt_degraded"));
    assertThat(whats(check(normal(twice, new StoredTranscript(200, StreamRules.finalView(twice), true, null)))))
        .containsExactly("null stt_degraded while an episode is open (unbalanced)");
  }

  @Test
  void shouldJudgeAPendingCloseByTheStoredTranscript() {
    List<AppEvent> partial = upserts(WORDS.subList(0, 6), "L1", 0);
    List<SegmentView> all = segments(WORDS, "L1", 0);
    LegRecord pending = new LegRecord("s01-0", 0, "u", WORDS, RATE, 0, SCRIPT.sampleCount(), 0, "S2", T0, T0 + 5_000L,
        4010, "transcript_pending", "transcript_pending", T0 + 65_000, partial,
        new StoredTranscript(200, all, true, null), null);
    assertThat(check(pending).violations()).isEmpty();
    assertThat(check(pending).legs().get(0).end()).isEqualTo(ChaosChecker.End.PENDING);
    assertThat(whats(check(pending.withStored(new StoredTranscript(200, all, false, null)))))
        .anyMatch(s -> s.contains("never became complete"));
    assertThat(whats(check(pending.withStored(new StoredTranscript(200, all.subList(1, 10), true, null)))))
        .contains("w100 stored: lost (spoken at 0.200 s)", "w100 the app saw it but the stored transcript lacks it");
  }

  @Test
  void shouldFlagAnIncompleteTranscriptClosed1000() {
    List<AppEvent> partial = upserts(WORDS.subList(0, 8), "L1", 0);
    ChaosChecker.Result r = check(normal(partial, new StoredTranscript(200, StreamRules.finalView(partial), false,
        null)));
    assertThat(r.lost()).isEqualTo(2);
    assertThat(whats(r)).contains("w108 app: lost (spoken at 4.840 s)",
        "null stored transcript not complete after close 1000");
  }

  @Test
  void shouldCountWordsCutByAGatewayKillAsLostUnlessResentAndTranscribed() {
    // Leg 0 sent frames up to 3.0 s; Kafka holds 2.5 s of it; the gateway died at T0 + 3000; its resume was refused.
    long sent = 3 * RATE;
    long durable = 5 * RATE / 2;
    List<ExpectedWord> durableWords = WORDS.stream().filter(w -> w.endSample() <= durable).toList(); // w100..w103
    LegRecord cut = new LegRecord("s02-0", 0, "u", WORDS, RATE, 0, sent, 1, "S3", T0, null, LegRecord.ERROR,
        "java.io.IOException: closed", null, T0 + 3_100, upserts(durableWords.subList(0, 3), "L1", 0),
        new StoredTranscript(200, segments(durableWords, "L1", 0), false, null),
        new DurablePosition(durable, 25, false));
    LegRecord refused = refused("s02-0", 1, "S3", sent);
    // Leg 2 starts a new session at 3.0 s on the script: w104 [2.52, 2.78] was sent but neither stored nor resent
    List<ExpectedWord> rest = WORDS.stream().filter(w -> w.startSample() >= sent).toList(); // w105..w109
    List<AppEvent> restEvents = upserts(rest, "L9", sent);
    LegRecord next = new LegRecord("s02-0", 2, "u", WORDS, RATE, sent, SCRIPT.sampleCount() - sent, 0, "S4",
        T0 + 4_000, T0 + 9_000L, 1000, "", null, T0 + 10_000, restEvents,
        new StoredTranscript(200, StreamRules.finalView(restEvents), true, null), null);
    List<ChaosChecker.GatewayKill> kill = List.of(new ChaosChecker.GatewayKill(1, T0 + 3_000));
    ChaosChecker.Result r = checker.check(List.of(cut, refused, next), kill);
    assertThat(r.legs().get(0).end()).isEqualTo(ChaosChecker.End.CUT);
    assertThat(r.words()).isEqualTo(10);
    assertThat(r.lost()).isEqualTo(1);
    assertThat(whats(r)).containsExactly("w104 lost: sent (script 2.520 s) but in no transcript: cut at a socket's end "
        + "and not resent");

    // the app resent from what it knew was durable (2.5 s): w104 is in the new session
    List<ExpectedWord> resent = WORDS.stream().filter(w -> w.startSample() >= durable).toList(); // w104..w109
    List<AppEvent> resentEvents = upserts(resent, "L9", durable);
    LegRecord fromDurable = new LegRecord("s02-0", 2, "u", WORDS, RATE, durable, SCRIPT.sampleCount() - durable, 0,
        "S4", T0 + 4_000, T0 + 9_000L, 1000, "", null, T0 + 10_000, resentEvents,
        new StoredTranscript(200, StreamRules.finalView(resentEvents), true, null), null);
    ChaosChecker.Result again = checker.check(List.of(cut, refused, fromDurable), kill);
    assertThat(again.violations()).isEmpty();
    assertThat(again.lost()).isZero();

    // the same drop on a gateway nobody killed is a violation
    ChaosChecker.Result unexplained = checker.check(List.of(cut), List.of(new ChaosChecker.GatewayKill(0, T0 + 3_000)));
    assertThat(whats(unexplained)).anyMatch(s -> s.contains("not by a gateway kill"));
    // a durable word missing from the stored transcript is lost
    ChaosChecker.Result missing = checker.check(List.of(cut.withStored(new StoredTranscript(200,
        segments(durableWords.subList(0, 3), "L1", 0), false, null))), List.of(new ChaosChecker.GatewayKill(1, T0)));
    assertThat(whats(missing)).contains("w103 stored: lost (spoken at 1.940 s)");
    // SessionEnded in Kafka: the stored transcript must end complete
    ChaosChecker.Result ended = checker.check(List.of(cut.withDurable(new DurablePosition(durable, 25, true))),
        List.of(new ChaosChecker.GatewayKill(1, T0)));
    assertThat(whats(ended)).anyMatch(s -> s.contains("never became complete"));
  }

  /** A resume of {@code sessionId} the gateway refused (the session had ended). */
  private static LegRecord refused(String session, int leg, String sessionId, long at) {
    return new LegRecord(session, leg, "u", WORDS, RATE, at, 0, 0, sessionId, T0 + 3_500, null, 1008,
        "session not resumable", LegRecord.NOT_RESUMABLE, T0 + 3_600, List.of(), null, null, 0, true, false);
  }

  @Test
  void shouldJudgeAResumedSessionAsOneOnItsTimeline() {
    // the app's network drops at 3.0 s; it resumes and resends from message 25 (2.5 s), which the gateway gives
    long sent = 3 * RATE;
    long from = 5 * RATE / 2;
    List<AppEvent> first = upserts(WORDS.subList(0, 4), "L1", 0);
    LegRecord dropped = new LegRecord("s05-0", 0, "u", WORDS, RATE, 0, sent, 0, "S9", T0, null, LegRecord.ERROR,
        "dropped", null, T0 + 3_000, first, null, null, 0, false, true);
    List<AppEvent> second = new ArrayList<>();
    second.add(AppEvent.other(T0 + 3_500, "{\"type\":\"session_resumed\",\"session_id\":\"S9\",\"frames\":25}"));
    second.add(AppEvent.segments(T0 + 3_600, segments(WORDS.subList(0, 4), "L1", 0))); // the snapshot
    second.add(AppEvent.status(T0 + 3_600, "ready"));
    long t = T0 + 3_700;
    for (ExpectedWord w : WORDS.subList(4, 10)) {
      second.add(AppEvent.segments(t += 100, List.of(seg(w, "L2", 0))));
    }
    StoredTranscript stored = new StoredTranscript(200, StreamRules.finalView(second), true, null);
    LegRecord resumed = new LegRecord("s05-0", 1, "u", WORDS, RATE, from, SCRIPT.sampleCount() - from, 1, "S9",
        T0 + 3_500, T0 + 9_000L, 1000, "", null, T0 + 10_000, second, stored, null, 0, true, false);
    ChaosChecker.Result r = checker.check(List.of(dropped.withStored(stored), resumed), List.of());
    assertThat(r.violations()).isEmpty();
    assertThat(r.legs()).singleElement().satisfies(v -> {
      assertThat(v.end()).isEqualTo(ChaosChecker.End.NORMAL);
      assertThat(v.sockets()).isEqualTo(2);
    });
    assertThat(r.resumes()).isEqualTo(1);
    assertThat(r.words()).isEqualTo(10);

    // the resumed socket never heard w104: lost, whatever the first socket saw
    List<AppEvent> without = new ArrayList<>(second);
    without.removeIf(e -> e.type() == AppEvent.Type.SEGMENTS && e.segments().size() == 1
        && e.segments().get(0).text().startsWith("W104"));
    StoredTranscript storedWithout = new StoredTranscript(200, StreamRules.finalView(without), true, null);
    ChaosChecker.Result lost = checker.check(List.of(dropped.withStored(storedWithout), new LegRecord("s05-0", 1, "u",
        WORDS, RATE, from, SCRIPT.sampleCount() - from, 1, "S9", T0 + 3_500, T0 + 9_000L, 1000, "", null, T0 + 10_000,
        without, storedWithout, null, 0, true, false)), List.of());
    assertThat(whats(lost)).contains("w104 app: lost (spoken at 2.520 s)");
  }

  /**
   * The app heard {@code stt_degraded} on its first socket; the socket dropped and resumed while the merger was
   * down, so the resumed socket got {@code session_resumed} and no snapshot (no status); the episode's batch words
   * then arrive on it behind later live words, and {@code stt_recovered} follows. {@code snapshotStatuses}: the
   * statuses of a snapshot that did come (none: no snapshot).
   */
  private ChaosChecker.Result degradedThenResumed(String... snapshotStatuses) {
    long sent = 3 * RATE;
    List<AppEvent> first = upserts(WORDS.subList(0, 4), "L1", 0);
    first.add(AppEvent.status(T0 + 900, "stt_degraded"));
    LegRecord dropped = new LegRecord("s05-0", 0, "u", WORDS, RATE, 0, sent, 0, "S9", T0, null, LegRecord.ERROR,
        "dropped", null, T0 + 3_000, first, null, null, 0, false, true);
    List<AppEvent> second = new ArrayList<>();
    second.add(AppEvent.other(T0 + 3_500, "{\"type\":\"session_resumed\",\"session_id\":\"S9\",\"frames\":30}"));
    if (snapshotStatuses.length > 0) {
      second.add(AppEvent.segments(T0 + 3_600, segments(WORDS.subList(0, 4), "L1", 0)));
      for (String status : snapshotStatuses) {
        second.add(AppEvent.status(T0 + 3_600, status));
      }
    }
    second.add(AppEvent.segments(T0 + 3_700, segments(WORDS.subList(7, 10), "L2", 0)));
    second.add(AppEvent.segments(T0 + 3_800, segments(WORDS.subList(4, 7), "B1", 0))); // late: the batch words
    second.add(AppEvent.status(T0 + 3_900, "stt_recovered"));
    List<SegmentView> all = new ArrayList<>(segments(WORDS.subList(0, 4), "L1", 0));
    all.addAll(segments(WORDS.subList(7, 10), "L2", 0));
    all.addAll(segments(WORDS.subList(4, 7), "B1", 0));
    StoredTranscript stored = new StoredTranscript(200, all, true, null);
    LegRecord resumed = new LegRecord("s05-0", 1, "u", WORDS, RATE, sent, SCRIPT.sampleCount() - sent, 0, "S9",
        T0 + 3_500, T0 + 9_000L, 1000, "", null, T0 + 10_000, second, stored, null, 0, true, false);
    return checker.check(List.of(dropped.withStored(stored), resumed), List.of());
  }

  @Test
  void shouldJudgeAResumedSocketFromTheAppsStateAtTheEndOfThePreviousSocket() {
    assertThat(degradedThenResumed().violations()).isEmpty(); // the app still knows it is degraded
    assertThat(degradedThenResumed("stt_degraded").violations()).isEmpty();
  }

  @Test
  void shouldLetAResumedSocketsSnapshotStatusReplaceTheAppsState() {
    // the snapshot says the episode is over: the late words and the recovery after it are the pipeline's fault
    assertThat(whats(degradedThenResumed("ready")))
        .contains("null stt_recovered without an open episode (unbalanced)")
        .filteredOn(s -> s.contains("arrived after stt_recovered")).hasSize(3);
  }

  /**
   * A session that started degraded hears {@code ready} inside its episode when its live path comes back; a socket
   * resumed then gets a snapshot telling the open episode first, then the latest status (seed 841; the gateway sent
   * {@code ready} alone before, which the checker rightly took as "no episode open").
   */
  @Test
  void shouldTakeASnapshotsEpisodeStatusAsTheStateAndItsLaterStatusAsNews() {
    assertThat(degradedThenResumed("stt_degraded", "ready").violations()).isEmpty();
    assertThat(whats(degradedThenResumed("stt_recovered", "chunk_lost")))
        .contains("null stt_recovered without an open episode (unbalanced)");
  }

  @Test
  void shouldJudgeAStoppedSessionWhoseResumeWasRefusedByItsStoredTranscript() {
    List<AppEvent> events = upserts(WORDS.subList(0, 8), "L1", 0);
    LegRecord dropped = new LegRecord("s06-0", 0, "u", WORDS, RATE, 0, SCRIPT.sampleCount(), 0, "S10", T0,
        T0 + 5_000L, LegRecord.ERROR, "dropped", null, T0 + 5_500, events,
        new StoredTranscript(200, segments(WORDS, "L1", 0), true, null), null, 0, false, true);
    LegRecord refused = refused("s06-0", 1, "S10", SCRIPT.sampleCount());
    ChaosChecker.Result r = checker.check(List.of(dropped, refused), List.of());
    assertThat(r.violations()).isEmpty();
    assertThat(r.legs().get(0).end()).isEqualTo(ChaosChecker.End.PENDING);
    ChaosChecker.Result incomplete = checker.check(List.of(dropped.withStored(new StoredTranscript(200,
        segments(WORDS, "L1", 0), false, null)), refused), List.of());
    assertThat(whats(incomplete)).anyMatch(s -> s.contains("never became complete"));
  }

  @Test
  void shouldReportACloseTheAppDidNotAskFor() {
    LegRecord early = normal(upserts(WORDS, "L1", 0), null);
    LegRecord closed = new LegRecord("s04-0", 0, "u", WORDS, RATE, 0, SCRIPT.sampleCount(), 0, "S7", T0, null, 1013,
        "", "kafka_unavailable", T0 + 1_000, early.events(),
        new StoredTranscript(200, StreamRules.finalView(early.events()), false, null),
        new DurablePosition(SCRIPT.sampleCount(), 60, false));
    assertThat(whats(check(closed))).containsExactly(
        "null socket ended with 1013 (kafka_unavailable) before stop, not by a gateway kill or a dropped socket");
    LegRecord noClose = new LegRecord("s04-1", 0, "u", WORDS, RATE, 0, SCRIPT.sampleCount(), 0, "S8", T0,
        T0 + 5_000L, LegRecord.NEVER, "", null, T0 + 600_000, early.events(),
        new StoredTranscript(200, StreamRules.finalView(early.events()), true, null),
        new DurablePosition(SCRIPT.sampleCount(), 60, true));
    assertThat(whats(check(noClose))).containsExactly("null no close after stop within the wait");
  }

  @Test
  void shouldFindTheWordsOffTheLongestRunInSpokenOrder() {
    List<LegWords.Word> seq = new ArrayList<>();
    for (int i : new int[] {0, 1, 5, 2, 3, 4, 6}) {
      seq.add(new LegWords.Word(i, "w" + i, i, i + 0.26, true));
    }
    assertThat(TranscriptRules.outOfOrder(seq)).extracting(LegWords.Word::index).containsExactly(5);
    assertThat(TranscriptRules.outOfOrder(List.of())).isEmpty();
  }
}
