package dev.rstt.gateway.resume;

import dev.rstt.avro.SessionPosition;

/**
 * The values of {@code SessionPosition.state}, and the rules of a take-over between gateways (docs/CONTRACT.md
 * section 10). The latest record of a session on session.positions names who holds it; a holder that reads a
 * claim (or any holding record) of another gateway with an epoch at least its own lets go; a {@code released}
 * record is written by the previous holder on behalf of the claimer it names and never takes anything from
 * anyone. Pure.
 */
public final class PositionStates {

  public static final String ATTACHED = "attached";
  public static final String DETACHED = "detached";
  public static final String CLAIMED = "claimed";
  public static final String RELEASED = "released";
  /** Stop received, SessionEnded not yet stored: resumable only on its holder, or elsewhere once the holder died. */
  public static final String STOPPING = "stopping";

  private PositionStates() {
  }

  /** The holder {@code me} (at {@code myEpoch}) read {@code seen} for a session it holds: must it let go? */
  public static boolean mustLetGo(String me, int myEpoch, SessionPosition seen) {
    return seen != null && !RELEASED.equals(seen.getState()) && !seen.getOwner().equals(me)
        && seen.getEpoch() >= myEpoch;
  }

  /** What a claimer learns from a record it read while waiting for the release. */
  public enum ClaimOutcome {
    /** Nothing yet. */
    WAIT,
    /** The previous holder drained and released the session to this claimer: its numbers are exact. */
    RELEASED,
    /** The session ended meanwhile (a tombstone), or its live holder keeps it (stopped, SessionEnded unstored). */
    ENDED,
    /** A later claim by another gateway won (the app resumed again elsewhere). */
    LOST
  }

  /**
   * @param seen the record read (null: a tombstone)
   * @param afterClaim whether it lies after this claimer's own claim on the topic
   */
  public static ClaimOutcome onClaimWait(String me, int claimEpoch, SessionPosition seen, boolean afterClaim) {
    if (!afterClaim) {
      return ClaimOutcome.WAIT;
    }
    if (seen == null) {
      return ClaimOutcome.ENDED;
    }
    if (RELEASED.equals(seen.getState())) {
      return seen.getOwner().equals(me) && seen.getEpoch() == claimEpoch ? ClaimOutcome.RELEASED : ClaimOutcome.WAIT;
    }
    if (STOPPING.equals(seen.getState()) && !seen.getOwner().equals(me)) {
      return ClaimOutcome.ENDED; // the live holder of a stopped session answered: it keeps it until stored
    }
    return !seen.getOwner().equals(me) && seen.getEpoch() >= claimEpoch ? ClaimOutcome.LOST : ClaimOutcome.WAIT;
  }
}
