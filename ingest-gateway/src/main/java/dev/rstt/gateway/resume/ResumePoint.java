package dev.rstt.gateway.resume;

/**
 * A point on a session where it can be resumed (docs/CONTRACT.md section 10): the audio of the app's messages
 * {@code [0, frames)} is acknowledged by Kafka and ends at {@code offsetSamples} on the session timeline, at a
 * clean message boundary (the decoder held nothing back there); the next chunk gets {@code nextSeq}. The
 * session's records including these numbers end at {@code audioOffset} in partition {@code audioPartition} of
 * audio.frames (-1 when unknown): any later record of the session lies after it.
 *
 * <p>A multi-channel session (docs/CONTRACT.md section 11) has every channel's numbers at message {@code frames} in
 * {@code channels} (in channel order; {@code offsetSamples} and {@code nextSeq} repeat the first channel's); a
 * one-channel session has none.
 */
public record ResumePoint(long frames, long offsetSamples, long nextSeq, int audioPartition, long audioOffset,
    java.util.List<ChannelPoint> channels) {

  /** A session before its first audio. */
  public static final ResumePoint START = new ResumePoint(0, 0, 0, -1, -1);

  public ResumePoint {
    if (frames < 0 || offsetSamples < 0 || nextSeq < 0) {
      throw new IllegalArgumentException("negative resume point " + frames + "/" + offsetSamples + "/" + nextSeq);
    }
    channels = channels == null ? java.util.List.of() : java.util.List.copyOf(channels);
  }

  /** A one-channel session's point. */
  public ResumePoint(long frames, long offsetSamples, long nextSeq, int audioPartition, long audioOffset) {
    this(frames, offsetSamples, nextSeq, audioPartition, audioOffset, java.util.List.of());
  }

  /** A multi-channel session's point: the top-level offset and seq are the first channel's. */
  public static ResumePoint ofChannels(long frames, java.util.List<ChannelPoint> channels, int audioPartition,
      long audioOffset) {
    ChannelPoint first = channels.get(0);
    return new ResumePoint(frames, first.offsetSamples(), first.nextSeq(), audioPartition, audioOffset, channels);
  }

  /** The numbers of {@code channel} (null when this point has none for it: a one-channel point). */
  public ChannelPoint channel(int channel) {
    for (ChannelPoint c : channels) {
      if (c.channel() == channel) {
        return c;
      }
    }
    return null;
  }

  /** The same numbers, placed at a record of the session. */
  ResumePoint at(int partition, long offset) {
    return new ResumePoint(frames, offsetSamples, nextSeq, partition, offset, channels);
  }
}
