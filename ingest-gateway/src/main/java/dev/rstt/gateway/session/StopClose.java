package dev.rstt.gateway.session;

import dev.rstt.gateway.updates.AppMessages;
import java.time.Duration;
import org.springframework.web.reactive.socket.CloseStatus;

/**
 * How a socket that sent {@code stop} is closed: the app is told the truth about its transcript. Pure.
 *
 * <ul>
 *   <li>{@link #COMPLETE}: the merger said {@code complete}: every word is in the app's transcript. 1000.
 *   <li>{@link #TRANSCRIPT_PENDING}: {@code stop-timeout} passed first, and Kafka acknowledged every record of the
 *       session and its SessionEnded: the audio is stored; the transcript is still being made and completes at
 *       {@code GET /v1/sessions/{id}/transcript}. 4010, never before the audio is stored (a gateway that dies with
 *       the audio unstored cuts the socket instead, and the app resumes elsewhere and resends it).
 *   <li>{@link #NOT_STORED}: {@code stop-store-timeout} passed and Kafka has still not acknowledged the session's
 *       audio. The gateway keeps delivering it while it runs; the app keeps its copy, and a socket that resumes the
 *       session hears the close once it is stored. 1013 ({@code audio_not_stored}).
 *   <li>{@link #AUDIO_LOST}: Kafka refused a record of the session for good; the transcript will never be
 *       complete. 1013 ({@code kafka_unavailable}), as when it happens before stop.
 * </ul>
 */
public enum StopClose {
  COMPLETE(CloseStatus.NORMAL),
  TRANSCRIPT_PENDING(new CloseStatus(StopClose.TRANSCRIPT_PENDING_CODE, "transcript pending")),
  NOT_STORED(CloseStatus.SERVICE_OVERLOAD.withReason("audio not stored")),
  AUDIO_LOST(CloseStatus.SERVICE_OVERLOAD.withReason("kafka unavailable"));

  /** The close code of {@link #TRANSCRIPT_PENDING} (application range; omi uses 4001-4006 for other things). */
  public static final int TRANSCRIPT_PENDING_CODE = 4010;

  private final CloseStatus status;

  StopClose(CloseStatus status) {
    this.status = status;
  }

  public CloseStatus status() {
    return status;
  }

  /** The frames the app gets before the close (none for 1000). */
  public String[] lastFrames(String sessionId) {
    return switch (this) {
      case COMPLETE -> new String[0];
      case TRANSCRIPT_PENDING -> new String[] {AppMessages.error("transcript_pending", "the transcript is not "
          + "complete yet; GET /v1/sessions/" + sessionId + "/transcript returns it, with complete=true once every "
          + "word is in", Duration.ofSeconds(10))};
      case NOT_STORED -> new String[] {AppMessages.error("audio_not_stored", "the audio of this session is not "
          + "stored yet (storage unavailable): keep it from the last audio_durable on; resume the session to hear "
          + "when it is stored", Duration.ofSeconds(30))};
      case AUDIO_LOST -> new String[] {AUDIO_LOST_MESSAGE};
    };
  }

  /** What the app gets before a 1013 when Kafka refused audio of its session. */
  static final String AUDIO_LOST_MESSAGE = AppMessages.error("kafka_unavailable",
      "audio could not be stored; reconnect later", Duration.ofSeconds(5));

  /**
   * @param complete the merger's {@code complete} arrived
   * @param audioLost a record of the session failed for good
   * @param stored Kafka acknowledged every record of the session and its SessionEnded
   */
  public static StopClose decide(boolean complete, boolean audioLost, boolean stored) {
    if (audioLost) {
      return AUDIO_LOST;
    }
    if (complete) {
      return COMPLETE;
    }
    return stored ? TRANSCRIPT_PENDING : NOT_STORED;
  }
}
