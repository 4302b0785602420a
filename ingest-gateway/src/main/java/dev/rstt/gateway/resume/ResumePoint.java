package dev.rstt.gateway.resume;

/**
 * A point on a session where it can be resumed (docs/CONTRACT.md section 10): the audio of the app's messages
 * {@code [0, frames)} is acknowledged by Kafka and ends at {@code offsetSamples} on the session timeline, at a
 * clean message boundary (the decoder held nothing back there); the next chunk gets {@code nextSeq}. The
 * session's records including these numbers end at {@code audioOffset} in partition {@code audioPartition} of
 * audio.frames (-1 when unknown): any later record of the session lies after it.
 */
public record ResumePoint(long frames, long offsetSamples, long nextSeq, int audioPartition, long audioOffset) {

  /** A session before its first audio. */
  public static final ResumePoint START = new ResumePoint(0, 0, 0, -1, -1);

  public ResumePoint {
    if (frames < 0 || offsetSamples < 0 || nextSeq < 0) {
      throw new IllegalArgumentException("negative resume point " + frames + "/" + offsetSamples + "/" + nextSeq);
    }
  }

  /** The same numbers, placed at a record of the session. */
  ResumePoint at(int partition, long offset) {
    return new ResumePoint(frames, offsetSamples, nextSeq, partition, offset);
  }
}
