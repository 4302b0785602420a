package dev.rstt.gateway.resume;

import java.time.Duration;

/**
 * The session-side settings of resumable sessions ({@code rstt.gateway.resume.*}).
 *
 * @param window how long a session whose socket went away without {@code stop} stays resumable; zero: never (the
 *     session ends {@code client_closed} when its socket goes, as without resume)
 * @param durableAckInterval at most one {@code audio_durable} per socket per this interval
 */
public record ResumeSettings(Duration window, Duration durableAckInterval) {

  /** Not resumable: a socket that goes away ends its session. */
  public static final ResumeSettings OFF = new ResumeSettings(Duration.ZERO, Duration.ofMillis(250));

  public boolean enabled() {
    return !window.isZero();
  }
}
