package dev.rstt.gateway.resume;

/**
 * What a session's records on audio.frames after its last known position say, for a take-over without a release
 * (the holder died, or did not drain in time; docs/CONTRACT.md section 10): the last clean chunk end (the resume
 * point), the highest seq written, and whether the session ended. Records the dead holder still had in flight may
 * land after the scan; they repeat audio the new holder asks the app for again, so the new holder's seqs start
 * {@link #SEQ_JUMP} above the highest one seen (no seq of the old holder can reach them) and the STT worker drops the
 * repeat by app message index and timeline. Pure.
 */
public final class TailFold {

  /** How far a take-over without a release moves seq ahead: more chunks than any gateway can hold unacknowledged. */
  public static final long SEQ_JUMP = 1L << 32;

  private ResumePoint point;
  private long maxSeq;
  private boolean ended;

  /** Starts from the session's last known position. */
  public TailFold(ResumePoint from) {
    this.point = from;
    this.maxSeq = from.nextSeq() - 1;
  }

  /** A chunk of the session at {@code partition}@{@code recordOffset}, in partition order. */
  public void chunk(long seq, long offsetSamples, long frames, Long framesEnd, int partition, long recordOffset) {
    maxSeq = Math.max(maxSeq, seq);
    if (framesEnd != null && framesEnd > point.frames()) {
      point = new ResumePoint(framesEnd, offsetSamples + frames, seq + 1, partition, recordOffset);
    }
  }

  /** The session's SessionEnded. */
  public void ended() {
    ended = true;
  }

  public boolean isEnded() {
    return ended;
  }

  /** Where the session resumes: the last clean chunk end seen (or the known position). */
  public ResumePoint point() {
    return point;
  }

  /** The seq the new holder starts at. */
  public long nextSeq() {
    return maxSeq + 1 + SEQ_JUMP;
  }
}
