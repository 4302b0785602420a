package dev.rstt.batch.session;

import dev.rstt.batch.deepgram.Transcript;
import java.util.Map;

/**
 * What the core asks to publish to {@code transcript.events}, before the shell turns it into a record (adding the
 * session's ids and the wall clock).
 */
public sealed interface Outbound {

  /**
   * One batch chunk's transcript: {@code SegmentsProduced} ({@code mode=batch}, {@code seq} 0) covering
   * [{@code fromSamples}, {@code toSamples}), words shifted by the chunk's first sample. {@code silent}: the chunk
   * held no voice and was not sent to Deepgram.
   */
  record Segments(String sttSession, long fromSamples, long toSamples, int sampleRate, Transcript transcript,
      boolean silent) implements Outbound {
  }

  /**
   * A {@code StatusChanged} (name from {@code dev.rstt.schemas.Statuses}); null fields are left out of the record.
   */
  record Status(String status, String sttSession, Map<String, String> metadata, Long atOffsetSamples,
      Long degradedToSamples, Double degradedDurationS, Integer sampleRate) implements Outbound {
    public Status {
      metadata = Map.copyOf(metadata);
    }
  }
}
