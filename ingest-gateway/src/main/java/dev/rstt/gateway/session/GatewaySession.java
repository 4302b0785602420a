package dev.rstt.gateway.session;

import dev.rstt.common.concurrent.AsyncFailures;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.SessionUpdate;
import dev.rstt.common.logging.SessionMdc;
import dev.rstt.gateway.GatewayMetrics;
import dev.rstt.gateway.audio.AudioDecoder;
import dev.rstt.gateway.audio.AudioFormat;
import dev.rstt.gateway.audio.ChunkAggregator;
import dev.rstt.gateway.updates.AppMessages;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.reactive.socket.CloseStatus;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * One app session: its audio timeline on {@code audio.frames} (SessionStarted, gap-free AudioChunks,
 * SessionEnded after every earlier record is acknowledged and only if none failed), its back-pressure and its
 * outbound frames. Publishing and acknowledgements live in {@link SessionPublisher}, which outlives the socket
 * (the session's audio is still delivered after the app is gone); the idle rule in {@link IdleTimer}, the close
 * after stop in {@link StopClose}. Socket wiring lives in {@code ListenHandler}; this class does not touch the
 * socket except through {@link Outbound} and the force-close callback.
 */
public final class GatewaySession {

  private static final Logger log = LoggerFactory.getLogger(GatewaySession.class);

  /** Lifecycle: OPEN (audio flows) → STOPPING (stop received) or ENDING (closing for another reason) → CLOSED. */
  public enum State { OPEN, STOPPING, ENDING, CLOSED }

  /** Tunables of a session, from {@code rstt.gateway.*}. */
  public record Settings(Duration chunkMaxDuration, Duration chunkMaxDelay, long sessionMaxUnackedBytes,
      Duration idleTimeout, Duration pingInterval, Duration stopTimeout) {
  }

  private final String id;
  private final String userId;
  private final AudioFormat format;
  private final String gatewayId;
  private final Settings settings;
  private final AudioSink sink;
  private final SessionPublisher publishing;
  private final GatewayMetrics metrics;
  private final Outbound outbound;
  private final Clock clock;
  private final Scheduler timers;
  private final AudioDecoder decoder;
  private final AudioIntake intake;

  private State state = State.OPEN;
  private final SessionTimeline timeline;
  private long lastRevision = -1;
  private final IdleTimer idle;
  private long lastPingMs;
  private volatile Consumer<CloseStatus> forceClose = s -> { };
  /** SessionStarted was acknowledged; before that, the handler answers a Kafka failure itself. */
  private volatile boolean live;

  private final CompletableFuture<Void> complete = new CompletableFuture<>();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();

  public GatewaySession(String id, String userId, AudioFormat format, String gatewayId, Settings settings,
      AudioSink publisher, GatewayMetrics metrics, Outbound outbound, Clock clock, Scheduler timers) {
    this(id, userId, format, gatewayId, settings, publisher, metrics, outbound, clock, timers,
        AudioDecoder.forFormat(format));
  }

  /** With the session's {@code decoder} (from {@code AudioCodecs}, which knows the native codecs). */
  public GatewaySession(String id, String userId, AudioFormat format, String gatewayId, Settings settings,
      AudioSink publisher, GatewayMetrics metrics, Outbound outbound, Clock clock, Scheduler timers,
      AudioDecoder decoder) {
    this.id = id;
    this.userId = userId;
    this.format = format;
    this.gatewayId = gatewayId;
    this.settings = settings;
    this.sink = publisher;
    this.publishing = new SessionPublisher(id, publisher, settings.sessionMaxUnackedBytes(), this::onPublishFailed);
    this.metrics = metrics;
    this.outbound = outbound;
    this.clock = clock;
    this.timers = timers;
    this.timeline = new SessionTimeline(id, userId, format);
    this.decoder = decoder;
    this.intake = new AudioIntake(new ChunkAggregator(ChunkAggregator.bytesFor(format,
        settings.chunkMaxDuration().toMillis())));
    this.lastPingMs = clock.millis();
    this.idle = new IdleTimer(settings.idleTimeout().toMillis(), lastPingMs);
  }

  public String id() {
    return id;
  }

  public String userId() {
    return userId;
  }

  public synchronized State state() {
    return state;
  }

  /**
   * Completes after SessionEnded was acknowledged (or the session failed without one). It may complete long
   * after the socket closed: a session's audio is delivered when Kafka is back.
   */
  public CompletableFuture<Void> ended() {
    return ended;
  }

  public void onForceClose(Consumer<CloseStatus> closer) {
    this.forceClose = closer;
  }

  /** Publishes SessionStarted; completes when Kafka acknowledged it. */
  public CompletableFuture<Void> start() {
    synchronized (this) {
      return publishing.publish(timeline.started(gatewayId, clock.millis()), 0).thenRun(() -> live = true);
    }
  }

  /** When SessionStarted was never acknowledged: a best-effort SessionEnded so the session is closed downstream. */
  public void abandon() {
    SessionEnded end;
    synchronized (this) {
      state = State.CLOSED;
      end = timeline.ended("error");
    }
    sink.publish(id, end, 0).whenComplete((v, e) -> ended.complete(null));
  }

  // ---------------------------------------------------------------- inbound

  /** Any inbound message: resets the idle timer. */
  public synchronized void touch() {
    idle.activity(clock.millis());
  }

  /**
   * One binary app frame (already known to be audio, not a keepalive). Returns when the socket may be read
   * again: at once below the unacked caps, later when Kafka has caught up.
   */
  public Mono<Void> onAudio(byte[] frame) {
    synchronized (this) {
      if (state != State.OPEN) {
        return Mono.empty();
      }
      metrics.frameIn(format.codec().wireName(), frame.length);
      byte[] pcm;
      try {
        pcm = decoder.decode(frame);
      } catch (AudioDecoder.UndecodableFrameException e) {
        metrics.undecodable(format.codec().wireName());
        log.debug("Dropped an undecodable frame: {}", e.getMessage());
        return Mono.empty();
      }
      AudioIntake.Added added = intake.add(pcm, clock.millis());
      added.ready().forEach(this::publishChunk);
      if (added.flushGeneration() >= 0) {
        scheduleFlush(added.flushGeneration()); // publish the held audio within chunk.max-delay
      }
    }
    return backpressure();
  }

  /** A text frame: {@code {"type":"stop"}} ends the audio; anything else is ignored. */
  public void onText(String text) {
    if (StopMessage.isStop(text)) {
      stop();
    }
  }

  private void scheduleFlush(long generation) {
    timers.schedule(() -> {
      synchronized (this) {
        if (state == State.OPEN) {
          publishChunk(intake.flushIfArmed(generation));
        }
      }
    }, settings.chunkMaxDelay().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Caller holds the lock. */
  private void publishChunk(AudioIntake.Chunk chunk) {
    if (chunk != null) {
      publishing.publish(timeline.next(chunk.pcm(), chunk.receivedAtMs()), chunk.pcm().length);
    }
  }

  /**
   * Empty when the socket may be read at once; otherwise completes when Kafka has caught up. While it waits the
   * app's silence does not count as idle.
   */
  private Mono<Void> backpressure() {
    CompletableFuture<Void> capacity = publishing.capacity();
    if (capacity == null) {
      return Mono.empty();
    }
    synchronized (this) {
      idle.paused();
    }
    metrics.backpressured();
    return Mono.fromFuture(capacity.whenComplete((v, e) -> {
      synchronized (this) {
        idle.resumed(clock.millis());
      }
    }), true);
  }

  // ---------------------------------------------------------------- outbound and updates

  /** Sends a frame to the app; a client too slow to read its queue is closed 1013. */
  public void send(String text) {
    if (!outbound.emit(text) && !outbound.finished()) {
      metrics.rejected("client_too_slow");
      try (SessionMdc mdc = SessionMdc.of(id)) {
        log.warn("Client reads too slowly: outbound queue full, closing 1013");
      }
      terminate("error", CloseStatus.SERVICE_OVERLOAD.withReason("client too slow"));
      forceClose.accept(CloseStatus.SERVICE_OVERLOAD.withReason("client too slow"));
    }
  }

  /** An update from the merger for this session. Revisions already delivered are dropped. */
  public void deliver(SessionUpdate update) {
    List<String> frames;
    synchronized (this) {
      if (state == State.CLOSED || outbound.finished()) {
        metrics.updateDropped("closed");
        return;
      }
      if (update.getRevision() <= lastRevision) {
        metrics.updateDropped("duplicate");
        return;
      }
      lastRevision = update.getRevision();
      frames = AppMessages.render(update);
    }
    metrics.updateDelivered();
    frames.forEach(this::send);
    if (update.getComplete()) {
      complete.complete(null);
    }
  }

  /** Periodic: the {@code ping} text frame and the idle timeout. */
  public void tick() {
    boolean isIdle = false;
    boolean ping = false;
    synchronized (this) {
      long now = clock.millis();
      if (state == State.OPEN && idle.idle(now)) {
        isIdle = true;
      } else if (state != State.CLOSED && now - lastPingMs >= settings.pingInterval().toMillis()) {
        lastPingMs = now;
        ping = true;
      }
    }
    if (isIdle) {
      try (SessionMdc mdc = SessionMdc.of(id)) {
        log.info("Idle for {}: closing 1001", settings.idleTimeout());
      }
      metrics.rejected("idle_timeout");
      terminate("idle_timeout", CloseStatus.GOING_AWAY.withReason("idle timeout"));
    } else if (ping) {
      send("ping");
    }
  }

  // ---------------------------------------------------------------- ending

  /**
   * {@code stop}: publish the rest and SessionEnded (once everything earlier is acknowledged), then close 1000
   * when the transcript is complete, or 4010 after {@code stop-timeout} (the audio is still delivered and the
   * stored transcript completes later), or 1013 if Kafka refused audio of the session.
   */
  public void stop() {
    long lastSeq;
    synchronized (this) {
      if (state != State.OPEN) {
        return;
      }
      state = State.STOPPING;
      publishChunk(intake.flush());
      lastSeq = timeline.lastSeq();
    }
    try (SessionMdc mdc = SessionMdc.of(id)) {
      log.info("Stop received: ending audio at seq {}", lastSeq);
    }
    endAudio("stop");
    complete.copy().orTimeout(settings.stopTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((v, e) -> closeAfterStop(e == null));
  }

  private void closeAfterStop(boolean transcriptComplete) {
    StopClose close = StopClose.decide(transcriptComplete, publishing.failure() != null);
    synchronized (this) {
      if (state != State.STOPPING) {
        return; // closed meanwhile for another reason (shutdown, slow client, audio lost)
      }
      state = State.CLOSED;
    }
    try (SessionMdc mdc = SessionMdc.of(id)) {
      if (close == StopClose.TRANSCRIPT_PENDING) {
        metrics.rejected("transcript_pending");
        log.warn("Transcript not complete {} after stop ({}): closing {}; the stored transcript completes later",
            settings.stopTimeout(), publishing.allAcknowledged() ? "audio stored"
                : publishing.unackedBytes() + " audio bytes still waiting for Kafka", close.status().getCode());
      } else {
        log.info("Closing {} after stop ({})", close.status().getCode(), close);
      }
    }
    outbound.finish(close.status(), close.lastFrames(id));
  }

  /**
   * Ends an open session for {@code reason} (client_closed, idle_timeout, server_shutdown, error): closes the
   * socket with {@code status} now, and publishes the held audio and, once everything earlier is acknowledged,
   * SessionEnded (even if Kafka is away for a while: the session's publishing outlives the socket).
   */
  public void terminate(String reason, CloseStatus status, String... lastFrames) {
    long lastSeq;
    synchronized (this) {
      if (state != State.OPEN) {
        if (state == State.STOPPING && !"client_closed".equals(reason)) {
          state = State.ENDING; // stop in flight already publishes SessionEnded; just close now
          outbound.finish(status, lastFrames);
        }
        return;
      }
      state = State.ENDING;
      publishChunk(intake.flush());
      lastSeq = timeline.lastSeq();
    }
    try (SessionMdc mdc = SessionMdc.of(id)) {
      log.info("Ending session ({}) at seq {}", reason, lastSeq);
    }
    outbound.finish(status, lastFrames);
    endAudio(reason).whenComplete((v, e) -> {
      synchronized (this) {
        state = State.CLOSED;
      }
    });
  }

  /** The socket is gone (client closed or connection lost). */
  public void onSocketClosed() {
    terminate("client_closed", CloseStatus.NORMAL);
  }

  /** SessionEnded once every earlier record is acknowledged; never if one of them failed. */
  private CompletableFuture<Void> endAudio(String reason) {
    CompletableFuture<Void> result = publishing.whenAllAcknowledged().thenCompose(v -> {
      SessionEnded end;
      synchronized (this) {
        end = timeline.ended(reason);
      }
      return publishing.publish(end, 0);
    });
    result.whenComplete((v, e) -> {
      if (e == null) {
        try (SessionMdc mdc = SessionMdc.of(id)) {
          log.info("SessionEnded({}) acknowledged: last_seq {}", reason, lastSeq());
        }
      }
      ended.complete(null);
    });
    return result;
  }

  private synchronized long lastSeq() {
    return timeline.lastSeq();
  }

  /** Kafka refused a record of this session for good: a hole in its sequence, so no SessionEnded, and 1013. */
  private void onPublishFailed(Throwable error) {
    if (!live) {
      return; // SessionStarted was not acknowledged: the handler answers the app itself
    }
    boolean socketOpen;
    synchronized (this) {
      socketOpen = state == State.OPEN || state == State.STOPPING;
      state = State.CLOSED;
    }
    try (SessionMdc mdc = SessionMdc.of(id)) {
      log.error("Kafka refused audio of this session ({}): no SessionEnded will be published{}",
          AsyncFailures.unwrap(error).toString(), socketOpen ? "; closing 1013" : "");
    }
    metrics.rejected("kafka_unavailable");
    outbound.finish(StopClose.AUDIO_LOST.status(), StopClose.AUDIO_LOST.lastFrames(id));
    ended.complete(null);
  }


}
