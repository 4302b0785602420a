package dev.rstt.gateway.resume;

/**
 * One channel's numbers at a resume point of a multi-channel session (docs/CONTRACT.md section 11): its timeline
 * position at the point's app message and the seq of its next chunk. Channel ids are omi's (1, 2).
 */
public record ChannelPoint(int channel, long offsetSamples, long nextSeq) {

  public ChannelPoint {
    if (offsetSamples < 0 || nextSeq < 0) {
      throw new IllegalArgumentException("negative channel point " + offsetSamples + "/" + nextSeq);
    }
  }
}
