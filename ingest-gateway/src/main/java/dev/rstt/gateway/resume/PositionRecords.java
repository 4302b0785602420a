package dev.rstt.gateway.resume;

import dev.rstt.avro.ChannelPosition;
import dev.rstt.avro.SessionPosition;
import dev.rstt.gateway.audio.AudioFormat;

/** Builds SessionPosition records (docs/CONTRACT.md section 10). Pure. */
public final class PositionRecords {

  private PositionRecords() {
  }

  /** A record for {@code sessionId} of {@code userId} in {@code format}. */
  public static SessionPosition of(String sessionId, String userId, AudioFormat format, String owner, int epoch,
      String state, String previousOwner, ResumePoint point, Long detachedAtMs, long nowMs) {
    return SessionPosition.newBuilder().setSessionId(sessionId).setUserId(userId)
        .setCodec(format.codec().wireName()).setSampleRate(format.sampleRate()).setChannels(format.channels())
        .setLanguage(format.language()).setOwner(owner).setEpoch(epoch).setState(state)
        .setPreviousOwner(previousOwner).setFrames(point.frames()).setOffsetSamples(point.offsetSamples())
        .setNextSeq(point.nextSeq()).setAudioPartition(point.audioPartition()).setAudioOffset(point.audioOffset())
        .setDetachedAtMs(detachedAtMs).setUpdatedAtMs(nowMs)
        .setKeyterms(format.keyterms().isEmpty() ? null : java.util.List.copyOf(format.keyterms()))
        .setChannelPositions(point.channels().isEmpty() ? null : point.channels().stream()
            .map(c -> new ChannelPosition(c.channel(), c.offsetSamples(), c.nextSeq())).toList())
        .build();
  }

  /** The numbers of a record (with every channel's, for a multi-channel session). */
  public static ResumePoint pointOf(SessionPosition p) {
    java.util.List<ChannelPoint> channels = p.getChannelPositions() == null ? java.util.List.of()
        : p.getChannelPositions().stream()
            .map(c -> new ChannelPoint(c.getChannel(), c.getOffsetSamples(), c.getNextSeq())).toList();
    return new ResumePoint(p.getFrames(), p.getOffsetSamples(), p.getNextSeq(), p.getAudioPartition(),
        p.getAudioOffset(), channels);
  }
}
