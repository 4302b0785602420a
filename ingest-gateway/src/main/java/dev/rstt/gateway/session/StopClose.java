package dev.rstt.gateway.session;

import dev.rstt.gateway.updates.AppMessages;
import java.time.Duration;
import org.springframework.web.reactive.socket.CloseStatus;

/**
 * How a socket that sent {@code stop} is closed: the app is told the truth about its transcript. Pure.
 *
 * <ul>
 *   <li>{@link #COMPLETE}: the merger said {@code complete}: every word is in the app's transcript. 1000.
 *   <li>{@link #TRANSCRIPT_PENDING}: {@code stop-timeout} passed first (Kafka has not acknowledged the audio
 *       yet, or the transcript is still being made). The gateway keeps delivering the session's audio and its
 *       SessionEnded; the transcript completes later at {@code GET /v1/sessions/{id}/transcript}. 4010.
 *   <li>{@link #AUDIO_LOST}: Kafka refused a record of the session for good; the transcript will never be
 *       complete. 1013 ({@code kafka_unavailable}), as when it happens before stop.
 * </ul>
 */
public enum StopClose {
  COMPLETE(CloseStatus.NORMAL),
  TRANSCRIPT_PENDING(new CloseStatus(StopClose.TRANSCRIPT_PENDING_CODE, "transcript pending")),
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
      case AUDIO_LOST -> new String[] {AUDIO_LOST_MESSAGE};
    };
  }

  /** What the app gets before a 1013 when Kafka refused audio of its session. */
  static final String AUDIO_LOST_MESSAGE = AppMessages.error("kafka_unavailable",
      "audio could not be stored; reconnect later", Duration.ofSeconds(5));

  /**
   * @param complete the merger's {@code complete} arrived before {@code stop-timeout}
   * @param audioLost a record of the session failed for good
   */
  public static StopClose decide(boolean complete, boolean audioLost) {
    if (audioLost) {
      return AUDIO_LOST;
    }
    return complete ? COMPLETE : TRANSCRIPT_PENDING;
  }
}
