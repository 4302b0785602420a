package dev.rstt.gateway.session;

import dev.rstt.gateway.updates.AppMessages;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The app's binary messages into a session (docs/CONTRACT.md sections 2 and 11): under the session's lock, a message
 * of the current socket is taken by {@link SessionAudio} (a superseded socket's, or one after the audio ended, is
 * ignored), a max-delay flush is armed for the chunk it started, and the read pace follows its decoded samples; the
 * first message naming a channel the session does not have is told to the app once (error {@code unknown_channel}).
 * The socket is read again when {@link SocketLiveness#readGate} says so.
 */
final class SessionInlet {

  private final Object lock;
  private final SessionLifecycle life;
  private final SessionAudio audio;
  private final SocketLiveness liveness;
  private final SessionPublisher publishing;
  private final SessionEnding ending;
  private final Consumer<String> app;
  private final int channels;
  private final Clock clock;
  private final Scheduler timers;
  private final long maxDelayMs;

  /**
   * @param lock the session's lock ({@code life} is read under it; it is taken before {@code audio}'s)
   * @param app sends a text frame to the app
   * @param channels the session's channel count (what an {@code unknown_channel} error names)
   */
  SessionInlet(Object lock, SessionLifecycle life, SessionAudio audio, SocketLiveness liveness,
      SessionPublisher publishing, SessionEnding ending, Consumer<String> app, int channels, Clock clock,
      Scheduler timers, Duration chunkMaxDelay) {
    this.lock = lock;
    this.life = life;
    this.audio = audio;
    this.liveness = liveness;
    this.publishing = publishing;
    this.ending = ending;
    this.app = app;
    this.channels = channels;
    this.clock = clock;
    this.timers = timers;
    this.maxDelayMs = chunkMaxDelay.toMillis();
  }

  /** One binary message from the socket of attachment {@code from}; completes when the socket may be read again. */
  Mono<Void> take(byte[] frame, int from) {
    long readAtMs;
    int unknown;
    synchronized (lock) {
      if (!life.takesAudio(from)) {
        return Mono.empty();
      }
      SessionAudio.Taken taken = audio.take(frame, clock.millis());
      if (taken.flushGeneration() >= 0) {
        scheduleFlush(taken.flushTrack(), taken.flushGeneration()); // publish the held audio within chunk.max-delay
      }
      readAtMs = liveness.audio(taken.samples()); // the pace: decoded samples, not bytes
      unknown = taken.unknownChannel();
    }
    if (unknown >= 0) { // the first message naming a channel the session does not have (section 11)
      ending.info("A message named channel id {}: its audio dropped", unknown);
      app.accept(AppMessages.unknownChannel(unknown, channels));
    }
    return liveness.readGate(publishing.capacity(), readAtMs);
  }

  private void scheduleFlush(int track, long generation) {
    timers.schedule(() -> {
      synchronized (lock) {
        if (life.flushes()) {
          audio.flushIfArmed(track, generation);
        }
      }
    }, maxDelayMs, TimeUnit.MILLISECONDS);
  }
}
