package dev.rstt.gateway.resume;

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
        .setKeyterms(format.keyterms().isEmpty() ? null : java.util.List.copyOf(format.keyterms())).build();
  }

  /** The numbers of a record. */
  public static ResumePoint pointOf(SessionPosition p) {
    return new ResumePoint(p.getFrames(), p.getOffsetSamples(), p.getNextSeq(), p.getAudioPartition(),
        p.getAudioOffset());
  }
}
