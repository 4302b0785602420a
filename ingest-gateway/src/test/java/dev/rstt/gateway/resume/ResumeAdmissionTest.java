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

  private static ResumeAdmission.Decision decide(String user, ResumeAdmission.Held held, SessionPosition known) {
    return ResumeAdmission.decide(new ResumeAdmission.Request(user, PCM, null), held, known, "gw-a", NOW, WINDOW,
        LEASE);
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
        new ResumeAdmission.Held("alice", PCM, true, null, 10), null, "gw-a", NOW, WINDOW, LEASE))
        .isEqualTo(new ResumeAdmission.AttachHere(4L));
    assertThat(ResumeAdmission.decide(new ResumeAdmission.Request("alice", PCM, 11L),
        new ResumeAdmission.Held("alice", PCM, true, null, 10), null, "gw-a", NOW, WINDOW, LEASE))
        .isInstanceOf(ResumeAdmission.Refused.class)
        .extracting(d -> ((ResumeAdmission.Refused) d).code()).isEqualTo(ResumeAdmission.INVALID_FROM);
  }

  @Test
  void theOwnerLearnsOfAFormatMismatchOthersDoNot() {
    AudioFormat opus = new AudioFormat("en", 16000, AudioFormat.Codec.OPUS, 1);
    ResumeAdmission.Decision mine = ResumeAdmission.decide(new ResumeAdmission.Request("alice", opus, null),
        new ResumeAdmission.Held("alice", PCM, true, null, 10), null, "gw-a", NOW, WINDOW, LEASE);
    ResumeAdmission.Decision theirs = ResumeAdmission.decide(new ResumeAdmission.Request("mallory", opus, null),
        new ResumeAdmission.Held("alice", PCM, true, null, 10), null, "gw-a", NOW, WINDOW, LEASE);
    assertThat(((ResumeAdmission.Refused) mine).code()).isEqualTo(ResumeAdmission.MISMATCH);
    assertThat(((ResumeAdmission.Refused) theirs).code()).isEqualTo(ResumeAdmission.NOT_RESUMABLE);
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
    assertThat(ResumeAdmission.orphaned(attached, false, NOW, WINDOW, LEASE, grace)).isTrue();
    assertThat(ResumeAdmission.orphaned(attached, true, NOW, WINDOW, LEASE, grace)).as("held here").isFalse();
    SessionPosition fresh = position("gw-b", PositionStates.ATTACHED, null, NOW - WINDOW - LEASE - 1);
    assertThat(ResumeAdmission.orphaned(fresh, false, NOW, WINDOW, LEASE, grace))
        .as("refused to a resume already, but its holder may still be ending it").isFalse();
    SessionPosition detached = position("gw-b", PositionStates.DETACHED, NOW - WINDOW - grace - 1, NOW);
    assertThat(ResumeAdmission.orphaned(detached, false, NOW, WINDOW, LEASE, grace)).isTrue();
    assertThat(ResumeAdmission.orphaned(null, false, NOW, WINDOW, LEASE, grace)).as("ended").isFalse();
  }
}
