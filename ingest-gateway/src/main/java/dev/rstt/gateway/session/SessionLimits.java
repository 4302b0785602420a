package dev.rstt.gateway.session;

import dev.rstt.gateway.updates.AppMessages;
import java.time.Duration;
import org.springframework.web.reactive.socket.CloseStatus;

/**
 * What one session may cost and when it has been quiet too long, decided without I/O or clocks of its own (the
 * caller passes the time and serialises the calls):
 *
 * <ul>
 *   <li><b>Pace.</b> A token bucket on <em>decoded</em> samples (all channels), refilled at {@code maxSpeed} times
 *       real time and holding at most {@code paceBurst} of audio. Counting decoded samples, not bytes, caps the
 *       decoder's output too: a few bytes of Opus decode to up to 120 ms. A frame is always taken whole; when the
 *       bucket is in debt, {@link #audio} says how long to wait before reading the next frame (the socket is not
 *       read meanwhile, so TCP pushes back on the app: nothing is buffered here, nothing is dropped).
 *   <li><b>Idle.</b> No inbound message at all for {@code idle-timeout} ends the socket (1001).
 *   <li><b>No audio.</b> No audio frame for {@code noAudioTimeout} ends the socket even while keepalives or other
 *       messages keep it otherwise alive. Time the gateway itself does not read the socket does not count.
 *   <li><b>Length.</b> A session older than {@code maxDuration} ends like a stop (its transcript completes) and
 *       closes {@link #MAX_DURATION_CODE}.
 * </ul>
 */
public final class SessionLimits {

  /** Close code after a session reached its maximum duration and its transcript completed (application range). */
  static final int MAX_DURATION_CODE = 4011;
  static final CloseStatus MAX_DURATION_CLOSE = new CloseStatus(MAX_DURATION_CODE, "max session duration");

  /** What {@link #check} found, with the reason counted in {@code rstt_gateway_rejections_total}. */
  enum Verdict {
    NONE(null), IDLE("idle_timeout"), NO_AUDIO("no_audio_timeout"), MAX_DURATION("max_session_duration");

    private final String reason;

    Verdict(String reason) {
      this.reason = reason;
    }

    String reason() {
      return reason;
    }

    /** The maximum length ends the session like a stop (its transcript completes); the others close the socket. */
    boolean endsLikeStop() {
      return this == MAX_DURATION;
    }

    /** The close of a limit that does not end like a stop: 1001. */
    CloseStatus closeStatus() {
      return CloseStatus.GOING_AWAY.withReason(this == IDLE ? "idle timeout" : "no audio");
    }
  }

  /** What the app is told the moment its session reaches the maximum duration (it closes 4011 later). */
  static String maxDurationMessage(Duration maxDuration) {
    return AppMessages.error("max_session_duration", "a session lasts at most " + maxDuration + ": the audio so far "
        + "is transcribed, then the socket closes " + MAX_DURATION_CODE + "; open a new session to go on", null);
  }

  /**
   * @param maxSpeed audio faster than this many times real time is not read
   * @param paceBurst audio a session may send ahead of its pace at once
   * @param maxDuration session length at which it ends like a stop
   * @param noAudioTimeout no audio frame for this long ends the socket
   */
  public record Settings(double maxSpeed, Duration paceBurst, Duration maxDuration, Duration noAudioTimeout) {
    /** No limits (tests of other rules). */
    public static final Settings NONE =
        new Settings(1e9, Duration.ofDays(1), Duration.ofDays(3650), Duration.ofDays(3650));
  }

  private final double samplesPerMs;
  private final double capacity;
  private final long startMs;
  private final long maxDurationMs;
  private final IdleTimer idle;
  private final IdleTimer noAudio;
  private double tokens;
  private long refilledAtMs;
  private boolean maxDurationReported;

  /**
   * @param idleTimeout no inbound message at all for this long ends the socket ({@code idle-timeout})
   * @param samplesPerSecond decoded samples per second of real time (sample rate times channels)
   */
  SessionLimits(Settings settings, Duration idleTimeout, int samplesPerSecond, long nowMs) {
    this.idle = new IdleTimer(idleTimeout.toMillis(), nowMs);
    this.samplesPerMs = samplesPerSecond * settings.maxSpeed() / 1000.0;
    this.capacity = samplesPerSecond * (settings.paceBurst().toMillis() / 1000.0);
    this.tokens = capacity;
    this.refilledAtMs = nowMs;
    this.startMs = nowMs;
    this.maxDurationMs = settings.maxDuration().toMillis();
    this.noAudio = new IdleTimer(settings.noAudioTimeout().toMillis(), nowMs);
  }

  /** Any inbound message (audio, keepalive, text). */
  void touch(long nowMs) {
    idle.activity(nowMs);
  }

  /**
   * {@code samples} decoded samples of one app frame arrived at {@code nowMs}.
   *
   * @return milliseconds to wait before the socket may be read again (0: at once)
   */
  long audio(long samples, long nowMs) {
    noAudio.activity(nowMs);
    refill(nowMs);
    tokens -= samples;
    return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / samplesPerMs);
  }

  /** The gateway stopped reading the socket (Kafka back-pressure or pace). */
  void paused() {
    idle.paused();
    noAudio.paused();
  }

  /** The gateway reads the socket again. */
  void resumed(long nowMs) {
    idle.resumed(nowMs);
    noAudio.resumed(nowMs);
  }

  /** The limit the session just reached, each reported once ({@link Verdict#NONE} otherwise). */
  Verdict check(long nowMs) {
    if (!maxDurationReported && nowMs - startMs >= maxDurationMs) {
      maxDurationReported = true;
      return Verdict.MAX_DURATION;
    }
    if (idle.idle(nowMs)) {
      return Verdict.IDLE;
    }
    return noAudio.idle(nowMs) ? Verdict.NO_AUDIO : Verdict.NONE;
  }

  private void refill(long nowMs) {
    if (nowMs > refilledAtMs) {
      tokens = Math.min(capacity, tokens + (nowMs - refilledAtMs) * samplesPerMs);
      refilledAtMs = nowMs;
    }
  }
}
