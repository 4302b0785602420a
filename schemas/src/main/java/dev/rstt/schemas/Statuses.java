package dev.rstt.schemas;

import java.util.List;
import java.util.Map;

/**
 * The catalogue of {@code StatusChanged.status} names (docs/CONTRACT.md sections 3-6) and the text each carries
 * by default in {@code status_text}. Producers and the merger name statuses only through these constants.
 */
public final class Statuses {

  /** A live Deepgram stream holds the session (stt-worker). */
  public static final String READY = "ready";
  /** Live transcription failed; audio goes to the batch path (stt-worker, once per episode). */
  public static final String STT_DEGRADED = "stt_degraded";
  /** The degraded episode's audio is transcribed and live is back (batch-worker). */
  public static final String STT_RECOVERED = "stt_recovered";
  /** A degraded chunk could not be transcribed: permanent Deepgram error (batch-worker). */
  public static final String CHUNK_LOST = "chunk_lost";
  /** The live path transcribed the session to its end (stt-worker). */
  public static final String LIVE_FINISHED = "live_finished";
  /** The batch path transcribed the session to its end (batch-worker). */
  public static final String BATCH_FINISHED = "batch_finished";

  private static final Map<String, String> TEXTS = Map.of(
      READY, "Live transcription ready",
      STT_DEGRADED, "Live transcription unavailable; transcribing in batches",
      STT_RECOVERED, "STT Service Restored",
      CHUNK_LOST, "Degraded audio could not be transcribed",
      LIVE_FINISHED, "Live transcription finished",
      BATCH_FINISHED, "Degraded audio transcribed to the end");

  private Statuses() {
  }

  /** Every status name, in the order a session usually meets them. */
  public static List<String> all() {
    return List.of(READY, STT_DEGRADED, STT_RECOVERED, CHUNK_LOST, LIVE_FINISHED, BATCH_FINISHED);
  }

  /** The default {@code status_text} of a status. */
  public static String text(String status) {
    String text = TEXTS.get(status);
    if (text == null) {
      throw new IllegalArgumentException("Unknown status '" + status + "'; known: " + all());
    }
    return text;
  }
}
