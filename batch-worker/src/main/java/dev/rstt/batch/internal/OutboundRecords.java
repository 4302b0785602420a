package dev.rstt.batch.internal;

import dev.rstt.avro.StatusChanged;
import dev.rstt.batch.session.Outbound;
import dev.rstt.schemas.Channels;
import dev.rstt.schemas.Statuses;
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

  /** @param channel the session's channel the stream is (docs/CONTRACT.md section 11) */
  SpecificRecord build(String sessionId, int channel, String userId, Outbound value) {
    if (value instanceof Outbound.Segments sp) {
      return SegmentsBuilder.build(sessionId, channel, userId, sp.sttSession(), sp.fromSamples(), sp.toSamples(),
          sp.sampleRate(), sp.transcript(), clock.millis());
    } else if (value instanceof Outbound.Status st) {
      Map<String, String> metadata = new HashMap<>(st.metadata());
      if (Channels.multi(channel)) {
        metadata.put("channel", String.valueOf(channel));
      }
      return StatusChanged.newBuilder().setSessionId(sessionId).setUserId(userId).setChannel(channel)
          .setStatus(st.status()).setStatusText(Statuses.text(st.status())).setMetadata(metadata)
          .setSttSession(st.sttSession()).setAtOffsetSamples(st.atOffsetSamples())
          .setDegradedToSamples(st.degradedToSamples()).setDegradedDurationS(st.degradedDurationS())
          .setSampleRate(st.sampleRate()).setOccurredAtMs(clock.millis()).build();
    }
    throw new IllegalArgumentException("Unknown outbound " + value);
  }

  /** The outcome a published chunk result counts as ({@code rstt_batch_chunks_total}), or null for a status. */
  static String outcome(Outbound value) {
    if (value instanceof Outbound.Segments sp) {
      return sp.silent() ? "silent" : "transcribed";
    }
    if (value instanceof Outbound.Status st && Statuses.CHUNK_LOST.equals(st.status())) {
      return "lost";
    }
    return null;
  }
}
