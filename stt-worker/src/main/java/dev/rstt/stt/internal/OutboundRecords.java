package dev.rstt.stt.internal;

import dev.rstt.avro.LiveResumed;
import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.StatusChanged;
import dev.rstt.schemas.Channels;
import dev.rstt.schemas.Statuses;
import dev.rstt.stt.session.Outbound;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** Turns what a session asks to publish into the record of docs/CONTRACT.md, stamped with the wall clock. */
final class OutboundRecords {

  private final Clock clock;

  OutboundRecords(Clock clock) {
    this.clock = clock;
  }

  /** @param channel the session's channel the stream transcribes (docs/CONTRACT.md section 11) */
  SpecificRecord build(String sessionId, int channel, String userId, int sampleRate, Outbound value) {
    if (value instanceof Outbound.Segments sp) {
      return SegmentsProduced.newBuilder().setSessionId(sessionId).setUserId(userId).setChannel(channel)
          .setSttSession(sp.sttSession())
          .setMode("live").setSeq(sp.seq()).setCoveredFromSamples(sp.fromSamples())
          .setCoveredToSamples(sp.toSamples()).setSampleRate(sampleRate)
          .setSegments(Segments.ofChannel(Segments.build(sp.result(), sp.connectionStartSamples(), sampleRate),
              channel))
          .setProducedAtMs(clock.millis()).build();
    } else if (value instanceof Outbound.Status st) {
      Map<String, String> metadata = new HashMap<>(st.metadata());
      if (Channels.multi(channel)) {
        metadata.put("channel", String.valueOf(channel));
      }
      return StatusChanged.newBuilder().setSessionId(sessionId).setUserId(userId).setChannel(channel)
          .setStatus(st.status()).setStatusText(Statuses.text(st.status())).setMetadata(metadata)
          .setSttSession(st.sttSession()).setAtOffsetSamples(st.atOffsetSamples())
          .setSampleRate(sampleRate > 0 ? sampleRate : null).setOccurredAtMs(clock.millis()).build();
    } else if (value instanceof Outbound.Reroute r) {
      return r.chunk();
    } else if (value instanceof Outbound.Resumed r) {
      return LiveResumed.newBuilder().setSessionId(sessionId).setUserId(userId).setChannel(channel)
          .setResumeOffsetSamples(r.resumeOffsetSamples()).setSampleRate(sampleRate)
          .setLiveSttSession(r.liveSttSession()).setColdTakeover(r.coldTakeover()).build();
    } else if (value instanceof Outbound.EndForward e) {
      return e.ended();
    }
    throw new IllegalArgumentException("Unknown outbound " + value);
  }
}
