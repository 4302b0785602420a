package dev.rstt.gateway.resume;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.SessionPosition;
import dev.rstt.gateway.audio.AudioFormat;
import org.junit.jupiter.api.Test;

class ResumeAdmissionTest {

  private static final AudioFormat PCM = new AudioFormat("en", 16000, AudioFormat.Codec.PCM16, 1);
  private static final long WINDOW = 60_000;
  private static final long LEASE = 5_000;
  private static final long NOW = 1_000_000;
  private static final PositionsFreshness.State ALWAYS = PositionsFreshness.State.ALWAYS;

  private static ResumeAdmission.Decision decide(String user, ResumeAdmission.Held held, SessionPosition known) {
    return decide(user, held, known, NOW, ALWAYS);
  }

  private static ResumeAdmission.Decision decide(String user, ResumeAdmission.Held held, SessionPosition known,
      long now, PositionsFreshness.State view) {
    return ResumeAdmission.decide(new ResumeAdmission.Request(user, PCM, null), held, known, "gw-a", now, WINDOW,
        LEASE, view);
  }

  private static SessionPosition position(String owner, String state, Long detachedAt, long updatedAt) {
    return PositionRecords.of("s1", "alice", PCM, owner, 2, state, null, new ResumePoint(40, 4000, 9, 1, 77),
        detachedAt, updatedAt);
  }

  @Test
  void anotherUsersAnEndedAnExpiredAndAnUnknownSessionGetTheSameAnswer() {
    ResumeAdmission.Decision otherUserHere = decide("mallory",
        new ResumeAdmission.Held("alice", PCM, true, null, 10), null);
    ResumeAdmission.Decision endedHere = decide("alice", new ResumeAdmission.Held("alice", PCM, false, null, 10),
        null);
    ResumeAdmission.Decision expiredHere = decide("alice",
        new ResumeAdmission.Held("alice", PCM, true, NOW - WINDOW - 1, 10), null);
    ResumeAdmission.Decision unknown = decide("alice", null, null);
    ResumeAdmission.Decision otherUserElsewhere = decide("mallory", null,
        position("gw-b", PositionStates.ATTACHED, null, NOW));
    ResumeAdmission.Decision expiredElsewhere = decide("alice", null,
        position("gw-b", PositionStates.DETACHED, NOW - WINDOW - 1, NOW - WINDOW - 1));
    ResumeAdmission.Decision holderSilentTooLong = decide("alice", null,
        position("gw-b", PositionStates.ATTACHED, null, NOW - WINDOW - LEASE - 1));

    assertThat(otherUserHere).isInstanceOf(ResumeAdmission.Refused.class);
    assertThat(java.util.List.of(endedHere, expiredHere, unknown, otherUserElsewhere, expiredElsewhere,
        holderSilentTooLong)).allSatisfy(d -> assertThat(d).isEqualTo(otherUserHere));
    assertThat(((ResumeAdmission.Refused) otherUserHere).code()).isEqualTo(ResumeAdmission.NOT_RESUMABLE);
  }

  @Test
  void aSessionHeldHereIsAttachedFromTheIndexAsked() {
    assertThat(decide("alice", new ResumeAdmission.Held("alice", PCM, true, NOW - 1000, 10), null))
        .as("from where the session stands when the socket attaches").isEqualTo(new ResumeAdmission.AttachHere(null));
    assertThat(ResumeAdmission.decide(new ResumeAdmission.Request("alice", PCM, 4L),
        new ResumeAdmission.Held("alice", PCM, true, null, 10), null, "gw-a", NOW, WINDOW, LEASE, ALWAYS))
        .isEqualTo(new ResumeAdmission.AttachHere(4L));
    assertThat(ResumeAdmission.decide(new ResumeAdmission.Request("alice", PCM, 11L),
        new ResumeAdmission.Held("alice", PCM, true, null, 10), null, "gw-a", NOW, WINDOW, LEASE, ALWAYS))
        .isInstanceOf(ResumeAdmission.Refused.class)
        .extracting(d -> ((ResumeAdmission.Refused) d).code()).isEqualTo(ResumeAdmission.INVALID_FROM);
  }

  @Test
  void theOwnerLearnsOfAFormatMismatchOthersDoNot() {
    AudioFormat opus = new AudioFormat("en", 16000, AudioFormat.Codec.OPUS, 1);
    ResumeAdmission.Decision mine = ResumeAdmission.decide(new ResumeAdmission.Request("alice", opus, null),
        new ResumeAdmission.Held("alice", PCM, true, null, 10), null, "gw-a", NOW, WINDOW, LEASE, ALWAYS);
    ResumeAdmission.Decision theirs = ResumeAdmission.decide(new ResumeAdmission.Request("mallory", opus, null),
        new ResumeAdmission.Held("alice", PCM, true, null, 10), null, "gw-a", NOW, WINDOW, LEASE, ALWAYS);
    assertThat(((ResumeAdmission.Refused) mine).code()).isEqualTo(ResumeAdmission.MISMATCH);
    assertThat(((ResumeAdmission.Refused) theirs).code()).isEqualTo(ResumeAdmission.NOT_RESUMABLE);
  }

  @Test
  void theKeytermsArePartOfTheFormatAndSurviveThePositionsRecord() {
    AudioFormat withTerms = new AudioFormat("multi", 16000, AudioFormat.Codec.PCM16, 1, java.util.List.of("Omi"));
    SessionPosition p = PositionRecords.of("s1", "alice", withTerms, "gw-b", 0, PositionStates.ATTACHED, null,
        new ResumePoint(1, 100, 1, 0, 5), null, NOW);
    assertThat(ResumeAdmission.formatOf(p)).isEqualTo(withTerms);
    assertThat(ResumeAdmission.formatOf(position("gw-b", PositionStates.ATTACHED, null, NOW)).keyterms()).isEmpty();
    ResumeAdmission.Decision other = ResumeAdmission.decide(new ResumeAdmission.Request("alice", PCM, null),
        new ResumeAdmission.Held("alice", new AudioFormat("en", 16000, AudioFormat.Codec.PCM16, 1,
            java.util.List.of("Omi")), true, null, 10), null, "gw-a", NOW, WINDOW, LEASE, ALWAYS);
    assertThat(((ResumeAdmission.Refused) other).code()).isEqualTo(ResumeAdmission.MISMATCH);
  }

  @Test
  void aSessionHeldElsewhereIsTakenOverWithTheNextEpoch() {
    assertThat(decide("alice", null, position("gw-b", PositionStates.ATTACHED, null, NOW - 1000)))
        .isEqualTo(new ResumeAdmission.TakeOver("gw-b", 3, true));
    assertThat(decide("alice", null, position("gw-b", PositionStates.DETACHED, NOW - 30_000, NOW - 30_000)))
        .isEqualTo(new ResumeAdmission.TakeOver("gw-b", 3, true));
    assertThat(decide("alice", null, position("gw-a", PositionStates.DETACHED, NOW - 30_000, NOW - 30_000)))
        .as("held by this gateway's previous run: nobody to wait for")
        .isEqualTo(new ResumeAdmission.TakeOver("gw-a", 3, false));
  }

  @Test
  void anOrphanIsASessionNobodyHoldsPastItsWindowAndAGrace() {
    long grace = 10_000;
    SessionPosition attached = position("gw-b", PositionStates.ATTACHED, null, NOW - WINDOW - LEASE - grace - 1);
    assertThat(ResumeAdmission.orphaned(attached, false, NOW, WINDOW, LEASE, grace, ALWAYS)).isTrue();
    assertThat(ResumeAdmission.orphaned(attached, true, NOW, WINDOW, LEASE, grace, ALWAYS)).as("held here").isFalse();
    SessionPosition fresh = position("gw-b", PositionStates.ATTACHED, null, NOW - WINDOW - LEASE - 1);
    assertThat(ResumeAdmission.orphaned(fresh, false, NOW, WINDOW, LEASE, grace, ALWAYS))
        .as("refused to a resume already, but its holder may still be ending it").isFalse();
    SessionPosition detached = position("gw-b", PositionStates.DETACHED, NOW - WINDOW - grace - 1, NOW);
    assertThat(ResumeAdmission.orphaned(detached, false, NOW, WINDOW, LEASE, grace, ALWAYS)).isTrue();
    assertThat(ResumeAdmission.orphaned(null, false, NOW, WINDOW, LEASE, grace, ALWAYS)).as("ended").isFalse();
  }

  // ---- a broker outage (docs/CONTRACT.md section 10): the window does not run out over time the topic was unusable

  /** The F8 run: a 295 s broker stall; the holder wrote its last lease just before it and was killed inside it. */
  private static final long STALL_START = NOW;
  private static final long STALL_END = NOW + 295_000;
  private static final PositionsFreshness.State AFTER_STALL = new PositionsFreshness.State(true, STALL_END);

  @Test
  void aHolderSilentThroughABrokerStallIsStillResumableAfterIt() {
    SessionPosition lastLease = position("gw-b", PositionStates.ATTACHED, null, STALL_START - 2_000);
    assertThat(decide("alice", null, lastLease, STALL_END + 10_000, AFTER_STALL))
        .as("resumed 10 s after the stall: the holder could not have written during it")
        .isEqualTo(new ResumeAdmission.TakeOver("gw-b", 3, true));
    assertThat(decide("alice", null, lastLease, STALL_END + LEASE + WINDOW, AFTER_STALL))
        .isInstanceOf(ResumeAdmission.TakeOver.class);
    assertThat(decide("alice", null, lastLease, STALL_END + LEASE + WINDOW + 1, AFTER_STALL))
        .as("a whole window (and the lease) after the topic came back: expired like any other")
        .isEqualTo(ResumeAdmission.REFUSED);
  }

  @Test
  void aSessionDetachedBeforeAStallKeepsAWholeWindowAfterIt() {
    SessionPosition detached = position("gw-b", PositionStates.DETACHED, STALL_START - 30_000, STALL_START - 1_000);
    assertThat(decide("alice", null, detached, STALL_END + 40_000, AFTER_STALL))
        .isEqualTo(new ResumeAdmission.TakeOver("gw-b", 3, true));
    assertThat(decide("alice", null, detached, STALL_END + WINDOW + 1, AFTER_STALL))
        .isEqualTo(ResumeAdmission.REFUSED);
    ResumeAdmission.Held heldHere = new ResumeAdmission.Held("alice", PCM, true, STALL_START - 30_000, 10);
    assertThat(decide("alice", heldHere, null, STALL_END + 40_000, AFTER_STALL))
        .as("held here: its own holder counts the same").isEqualTo(new ResumeAdmission.AttachHere(null));
  }

  @Test
  void aGatewayWhoseViewIsNotCurrentAnswersTryAgainToAllButTheOwnerOfASessionItHolds() {
    PositionsFreshness.State stalled = new PositionsFreshness.State(false, STALL_START + 100_000);
    long now = STALL_START + 100_000;
    SessionPosition old = position("gw-b", PositionStates.ATTACHED, null, STALL_START - 2_000);
    ResumeAdmission.Decision known = decide("alice", null, old, now, stalled);
    ResumeAdmission.Decision unknown = decide("alice", null, null, now, stalled);
    ResumeAdmission.Decision theirs = decide("mallory", null, old, now, stalled);
    ResumeAdmission.Decision otherUserHere = decide("mallory",
        new ResumeAdmission.Held("alice", PCM, true, null, 10), null, now, stalled);
    assertThat(known).isInstanceOf(ResumeAdmission.Unavailable.class);
    assertThat(java.util.List.of(unknown, theirs, otherUserHere)).allSatisfy(d -> assertThat(d).isEqualTo(known));
    assertThat(decide("alice", new ResumeAdmission.Held("alice", PCM, true, STALL_START - 70_000, 10), null, now,
        stalled)).as("the owner's session held here needs no view").isEqualTo(new ResumeAdmission.AttachHere(null));
  }

  @Test
  void noOrphanIsEndedAndNoWindowRunsOutWhileTheViewIsNotCurrentOrForTheOutage() {
    long grace = 10_000;
    SessionPosition lastLease = position("gw-b", PositionStates.ATTACHED, null, STALL_START - 2_000);
    PositionsFreshness.State stalled = new PositionsFreshness.State(false, STALL_END - 1);
    assertThat(ResumeAdmission.orphaned(lastLease, false, STALL_END - 1, WINDOW, LEASE, grace, stalled)).isFalse();
    assertThat(ResumeAdmission.orphaned(lastLease, false, STALL_END + 1_000, WINDOW, LEASE, grace, AFTER_STALL))
        .as("its holder may write again within a lease").isFalse();
    assertThat(ResumeAdmission.orphaned(lastLease, false, STALL_END + WINDOW + LEASE + grace + 1, WINDOW, LEASE,
        grace, AFTER_STALL)).isTrue();

    long detachedAt = STALL_START - 30_000;
    assertThat(ResumeAdmission.windowOver(detachedAt, STALL_END - 1, WINDOW, grace, stalled)).isFalse();
    assertThat(ResumeAdmission.windowOver(detachedAt, STALL_END + WINDOW + grace, WINDOW, grace, AFTER_STALL))
        .isFalse();
    assertThat(ResumeAdmission.windowOver(detachedAt, STALL_END + WINDOW + grace + 1, WINDOW, grace, AFTER_STALL))
        .isTrue();
    assertThat(ResumeAdmission.windowOver(detachedAt, detachedAt + WINDOW + grace + 1, WINDOW, grace, ALWAYS))
        .as("no outage: as before").isTrue();
  }
}
