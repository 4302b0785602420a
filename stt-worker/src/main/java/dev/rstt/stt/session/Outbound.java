package dev.rstt.stt.session;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.SessionEnded;
import dev.rstt.stt.deepgram.FinalResult;
import java.util.Map;

/**
 * What the core asks to publish, before the shell turns it into a record (adding the session's ids and the wall
 * clock). Segments and statuses go to transcript.events; the rest to audio.degraded.
 */
public sealed interface Outbound {

  /** Whether this goes to audio.degraded (else transcript.events). */
  default boolean degradedTopic() {
    return this instanceof Reroute || this instanceof Resumed || this instanceof EndForward;
  }

  /** One final of a live connection: {@code SegmentsProduced} covering [from, to) session samples. */
  record Segments(String sttSession, long seq, long fromSamples, long toSamples, long connectionStartSamples,
      FinalResult result) implements Outbound {
  }

  /** A {@code StatusChanged} (name from {@code dev.rstt.schemas.Statuses}). */
  record Status(String status, String sttSession, Map<String, String> metadata, long atOffsetSamples)
      implements Outbound {
    public Status {
      metadata = Map.copyOf(metadata);
    }
  }

  /** A chunk re-published unchanged. */
  record Reroute(AudioChunk chunk) implements Outbound {
  }

  /** {@code LiveResumed}: live again from {@code resumeOffsetSamples} on connection {@code liveSttSession}. */
  record Resumed(long resumeOffsetSamples, String liveSttSession, boolean coldTakeover) implements Outbound {
  }

  /** The session's {@code SessionEnded}, forwarded unchanged. */
  record EndForward(SessionEnded ended) implements Outbound {
  }
}
