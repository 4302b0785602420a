package dev.rstt.stt.session;

/**
 * One degraded episode of a session (docs/CONTRACT.md section 4), from the switch to audio.degraded until its
 * {@code LiveResumed} is acknowledged (or the session ends). Its steps only go forward:
 * OPENED -> REROUTED (a first chunk re-published) -> ANNOUNCED (that chunk acknowledged, stt_degraded sent)
 * -> ACKNOWLEDGED (stt_degraded acknowledged) -> RESUME_SENT (LiveResumed sent).
 */
final class DegradedEpisode {

  enum Step { OPENED, REROUTED, ANNOUNCED, ACKNOWLEDGED, RESUME_SENT }

  private final int number;
  private final String reason;
  private final String diedSttSession;
  private Step step = Step.OPENED;
  private long fromSamples = -1;
  private long startsAt = -1;

  DegradedEpisode(int number, String reason) {
    this(number, reason, null);
  }

  /** {@code diedSttSession}: the live connection whose death opened the episode (null: none had opened). */
  DegradedEpisode(int number, String reason, String diedSttSession) {
    this.number = number;
    this.reason = reason;
    this.diedSttSession = diedSttSession;
  }

  /**
   * The episode follows a recovery connection that died before its finals passed its switch point {@code s}: it
   * starts at {@code s} on the timeline although its first re-published chunk (that connection's overlap) lies
   * before it, so one worker's episodes and resume offsets keep interleaving (docs/CONTRACT.md section 4).
   */
  void startsAt(long s) {
    startsAt = s;
  }

  String diedSttSession() {
    return diedSttSession;
  }

  int number() {
    return number;
  }

  String reason() {
    return reason;
  }

  Step step() {
    return step;
  }

  /** First sample of the first chunk rerouted in this episode (or the switch point it starts at), or -1. */
  long fromSamples() {
    return fromSamples;
  }

  /** A chunk starting at {@code chunkStart} was re-published. */
  void rerouted(long chunkStart) {
    if (step == Step.OPENED) {
      step = Step.REROUTED;
      fromSamples = startsAt >= 0 ? startsAt : chunkStart;
    }
  }

  boolean anyRerouted() {
    return step != Step.OPENED;
  }

  /** A rerouted chunk is acknowledged and stt_degraded was not sent yet. */
  boolean dueAnnouncement() {
    return step == Step.REROUTED;
  }

  void announced() {
    advance(Step.REROUTED, Step.ANNOUNCED);
  }

  void acknowledged() {
    advance(Step.ANNOUNCED, Step.ACKNOWLEDGED);
  }

  /**
   * Whether what must follow stt_degraded (LiveResumed, a forwarded SessionEnded) still waits for it: audio was
   * rerouted and stt_degraded is not acknowledged.
   */
  boolean holdsFollowers() {
    return step == Step.REROUTED || step == Step.ANNOUNCED;
  }

  void resumeSent() {
    advance(Step.ACKNOWLEDGED, Step.RESUME_SENT);
  }

  boolean resumeWasSent() {
    return step == Step.RESUME_SENT;
  }

  private void advance(Step from, Step to) {
    if (step != from) {
      throw new IllegalStateException("Episode " + number + " cannot go " + step + " -> " + to);
    }
    step = to;
  }

  @Override
  public String toString() {
    return "episode " + number + " (" + reason + ", " + step + ")";
  }
}
