package dev.rstt.gateway.session;

import dev.rstt.gateway.GatewayMetrics;
import dev.rstt.gateway.resume.ResumeSettings;
import dev.rstt.gateway.updates.AppMessages;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import reactor.core.scheduler.Scheduler;

/**
 * Kafka's acknowledgements of the session's audio: they move the durable position (and the durable-ack lag
 * metric), and the attached socket hears how much of its audio is durable ({@code audio_durable}, docs/CONTRACT.md
 * section 10) when the position moved, at most once per {@code durable-ack-interval} (a timer sends
 * the latest position at the end of the interval). Nothing when resume is off.
 */
final class DurableAnnouncer {

  private final String sessionId;
  private final ResumeSettings resume;
  private final SessionAudio audio;
  private final SessionOutbound app;
  private final GatewayMetrics metrics;
  private final Clock clock;
  private final Scheduler timers;
  private final Runnable tooSlow;

  DurableAnnouncer(String sessionId, ResumeSettings resume, SessionAudio audio, SessionOutbound app,
      GatewayMetrics metrics, Clock clock, Scheduler timers, Runnable tooSlow) {
    this.sessionId = sessionId;
    this.resume = resume;
    this.audio = audio;
    this.app = app;
    this.metrics = metrics;
    this.clock = clock;
    this.timers = timers;
    this.tooSlow = tooSlow;
  }

  /**
   * Kafka acknowledged chunk {@code seq} of track {@code track} (its channel; received at {@code receivedAtMs}) at
   * {@code placement}.
   */
  void acked(int track, long seq, long receivedAtMs, Placement placement) {
    if (audio.acked(track, seq, placement)) {
      metrics.durableLag(Duration.ofMillis(Math.max(0, clock.millis() - receivedAtMs)));
      announce(false);
    }
  }

  /** The position may have moved ({@code timerFired}: the interval's timer). */
  void announce(boolean timerFired) {
    if (!resume.enabled()) {
      return;
    }
    long now = clock.millis();
    long frames = audio.appDurableFrames();
    // decided and queued under the outbound's lock: nothing without a socket, never to a socket attached later
    boolean queued = app.durable(frames, now, timerFired,
        () -> AppMessages.audioDurable(sessionId, frames, audio.durableThroughSeconds()),
        atMs -> timers.schedule(() -> announce(true), Math.max(0, atMs - now), TimeUnit.MILLISECONDS));
    if (!queued) {
      tooSlow.run();
    }
  }
}
