package dev.rstt.gateway.session;

import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.SessionUpdate;
import dev.rstt.common.logging.SessionMdc;
import dev.rstt.gateway.GatewayMetrics;
import dev.rstt.gateway.audio.AudioDecoder;
import dev.rstt.gateway.audio.AudioFormat;
import dev.rstt.gateway.resume.ResumePoint;
import dev.rstt.gateway.resume.ResumeSettings;
import dev.rstt.gateway.resume.SessionStart;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.reactive.socket.CloseStatus;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * One app session's lifecycle (docs/CONTRACT.md sections 2, 8, 9): the audio path lives in {@link SessionAudio}, the
 * app's socket and updates in {@link SessionOutbound}, publishing in {@link SessionPublisher} (it outlives the
 * socket), the ending in {@link SessionEnding}, idle and ping in {@link SocketLiveness}, {@code audio_durable} in
 * {@link DurableAnnouncer}. A resumable session whose socket goes away without stop is DETACHED for the window; a
 * new socket {@link #attach}es to it; another gateway's claim makes it {@link #handOver} (drain, no SessionEnded).
 */
public final class GatewaySession {

  private static final Logger log = LoggerFactory.getLogger(GatewaySession.class);

  /** The session's state: the rules are {@link SessionLifecycle}'s. */
  public enum State { OPEN, STOPPING, ENDING, CLOSED, DETACHED, HANDED_OVER }

  /** Tunables of a session, from {@code rstt.gateway.*}. */
  public record Settings(Duration chunkMaxDuration, Duration chunkMaxDelay, long sessionMaxUnackedBytes,
      Duration idleTimeout, Duration pingInterval, Duration stopTimeout, SessionLimits.Settings limits) {

    /** Without pace, length or no-audio limits. */
    public Settings(Duration chunkMaxDuration, Duration chunkMaxDelay, long sessionMaxUnackedBytes,
        Duration idleTimeout, Duration pingInterval, Duration stopTimeout) {
      this(chunkMaxDuration, chunkMaxDelay, sessionMaxUnackedBytes, idleTimeout, pingInterval, stopTimeout,
          SessionLimits.Settings.NONE);
    }
  }

  private final String id;
  private final String userId;
  private final AudioFormat format;
  private final String gatewayId;
  private final Settings settings;
  private final AudioSink sink;
  private final SessionPublisher publishing;
  private final GatewayMetrics metrics;
  private final Clock clock;
  private final Scheduler timers;
  private final SessionAudio audio;
  private final SessionOutbound app;
  private final SessionEnding ending;
  private final SocketLiveness liveness;
  private final ResumeSettings resume;
  private final DurableAnnouncer durable;
  private final int epoch;

  private final SessionLifecycle life;
  private final CompletableFuture<Void> finishing = new CompletableFuture<>();
  /** SessionStarted was acknowledged; before that, the handler answers a Kafka failure itself. */
  private volatile boolean live;

  public GatewaySession(String id, String userId, AudioFormat format, String gatewayId, Settings settings,
      AudioSink publisher, GatewayMetrics metrics, Outbound outbound, Clock clock, Scheduler timers) {
    this(id, userId, format, gatewayId, settings, publisher, metrics, outbound, clock, timers,
        AudioDecoder.forFormat(format), ResumeSettings.OFF, SessionStart.fresh());
  }

  /**
   * @param decoder the session's decoder (from {@code AudioCodecs}, which knows the native codecs)
   * @param resume the resume settings ({@link ResumeSettings#OFF}: a socket that goes away ends the session)
   * @param start where the timeline starts on this gateway (new, or taken over from another gateway)
   */
  public GatewaySession(String id, String userId, AudioFormat format, String gatewayId, Settings settings,
      AudioSink publisher, GatewayMetrics metrics, Outbound outbound, Clock clock, Scheduler timers,
      AudioDecoder decoder, ResumeSettings resume, SessionStart start) {
    this.id = id;
    this.userId = userId;
    this.format = format;
    this.gatewayId = gatewayId;
    this.settings = settings;
    this.sink = publisher;
    this.publishing = new SessionPublisher(id, publisher, settings.sessionMaxUnackedBytes(), this::onPublishFailed);
    this.metrics = metrics;
    this.clock = clock;
    this.timers = timers;
    this.app = new SessionOutbound(outbound, metrics, resume.durableAckInterval().toMillis());
    this.audio = new SessionAudio(id, userId, format, settings.chunkMaxDuration(), decoder, start, publishing,
        metrics, this::onChunkAcked);
    this.ending = new SessionEnding(id, publishing, app, metrics, settings.stopTimeout());
    this.liveness = new SocketLiveness(clock, settings, format.sampleRate() * format.channels(), metrics, timers);
    this.resume = resume;
    this.life = new SessionLifecycle(resume.enabled());
    this.durable = new DurableAnnouncer(id, resume, audio, app, clock, timers, this::send);
    this.epoch = start.epoch();
    this.live = start.takenOver();
  }

  public String id() {
    return id;
  }

  public String userId() {
    return userId;
  }

  public AudioFormat format() {
    return format;
  }

  public synchronized State state() {
    return life.state();
  }

  /** The take-over generation this gateway holds the session at (0 where it started). */
  public int epoch() {
    return epoch;
  }

  /** Completes after SessionEnded was acknowledged, or failed without one, or handed over and drained. */
  public CompletableFuture<Void> ended() {
    return ending.ended;
  }

  /** Completes when the session ends for good (stop, or ending for any reason): no longer resumable anywhere. */
  public CompletableFuture<Void> finishing() {
    return finishing;
  }

  public void onForceClose(Consumer<CloseStatus> closer) {
    app.onForceClose(closer);
  }

  /** Publishes SessionStarted; completes when Kafka acknowledged it. */
  public CompletableFuture<Void> start() {
    synchronized (this) {
      return publishing.publish(audio.started(gatewayId, clock.millis()), 0).thenAccept(placement -> {
        audio.startAcked(placement);
        live = true;
      });
    }
  }

  /** When SessionStarted was never acknowledged: a best-effort SessionEnded so the session is closed downstream. */
  public void abandon() {
    synchronized (this) {
      life.closed();
      finishing.complete(null);
    }
    sink.publish(id, audio.ended("error"), 0).whenComplete((v, e) -> ending.ended.complete(null));
  }

  // ---------------------------------------------------------------- inbound

  /** Any inbound message: resets the idle timer. */
  public void touch() {
    liveness.activity();
  }

  /** One binary app frame (audio, not a keepalive) from the attached socket; see {@link #onAudio(byte[], int)}. */
  public Mono<Void> onAudio(byte[] frame) {
    return onAudio(frame, attachment());
  }

  /**
   * One binary app frame from the socket of attachment {@code from} (a superseded socket's are ignored). Returns
   * when the socket may be read again: at once below the unacked caps, later when Kafka has caught up.
   */
  public Mono<Void> onAudio(byte[] frame, int from) {
    long readAtMs;
    synchronized (this) {
      if (!life.takesAudio(from)) {
        return Mono.empty();
      }
      SessionAudio.Taken taken = audio.take(frame, clock.millis());
      if (taken.flushGeneration() >= 0) {
        scheduleFlush(taken.flushGeneration()); // publish the held audio within chunk.max-delay
      }
      readAtMs = liveness.audio(taken.samples()); // the pace: decoded samples, not bytes
    }
    return liveness.readGate(publishing.capacity(), readAtMs);
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
        if (life.state() == State.OPEN) {
          audio.flushIfArmed(generation);
        }
      }
    }, settings.chunkMaxDelay().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void onChunkAcked(long seq, long receivedAtMs, Placement placement) {
    if (audio.acked(seq, placement)) {
      metrics.durableLag(Duration.ofMillis(Math.max(0, clock.millis() - receivedAtMs)));
      durable.announce(false);
    }
  }

  // ---------------------------------------------------------------- outbound and updates

  /** Sends a frame to the app; a client too slow to read its queue is closed 1013. */
  public void send(String text) {
    if (!app.send(text)) {
      metrics.rejected("client_too_slow");
      try (SessionMdc mdc = SessionMdc.of(id)) {
        log.warn("Client reads too slowly: outbound queue full, closing 1013");
      }
      terminate("error", CloseStatus.SERVICE_OVERLOAD.withReason("client too slow"));
      app.forceClose(CloseStatus.SERVICE_OVERLOAD.withReason("client too slow"));
    }
  }

  /** An update from the merger for this session. Revisions already delivered are dropped. */
  public void deliver(SessionUpdate update) {
    app.deliver(update).forEach(this::send);
    if (update.getComplete()) {
      ending.complete.complete(null);
    }
  }

  /** Periodic: the {@code ping} text frame, the idle and no-audio timeouts and the maximum length. */
  public void tick() {
    SocketLiveness.Tick tick;
    synchronized (this) {
      tick = liveness.tick(life.state() == State.OPEN, life.state() != State.CLOSED && !app.finished());
    }
    if (tick.limit() != SessionLimits.Verdict.NONE) {
      reached(tick.limit());
    } else if (tick.ping()) {
      send("ping");
    }
  }

  /**
   * Idle ({@code idle-timeout}) or no audio ({@code limits.no-audio-timeout}): 1001. The maximum duration
   * ({@code limits.max-session-duration}): ends like a stop, the app told at once, close 4011 once complete.
   */
  private void reached(SessionLimits.Verdict limit) {
    try (SessionMdc mdc = SessionMdc.of(id)) {
      log.info("{}: {}", limit, limit == SessionLimits.Verdict.MAX_DURATION ? "ending like a stop" : "closing 1001");
    }
    metrics.rejected(limit.reason());
    if (limit == SessionLimits.Verdict.MAX_DURATION) {
      send(SessionLimits.maxDurationMessage(settings.limits().maxDuration()));
      stop("max_duration");
    } else {
      terminate("idle_timeout", CloseStatus.GOING_AWAY.withReason(limit == SessionLimits.Verdict.IDLE
          ? "idle timeout" : "no audio"));
    }
  }

  // ---------------------------------------------------------------- resume (docs/CONTRACT.md section 9)

  /** The current socket's attachment number (audio and closes of earlier sockets are ignored). */
  public synchronized int attachment() {
    return life.attachment();
  }

  /**
   * A new socket takes the session (a resume on this gateway): a socket still attached is closed 1008
   * {@code session_taken_over}; the app sends from message {@code from} on (null: from the first message the
   * session still needs, decided here, after the last message of the old socket); what the session took already
   * is dropped. Live updates and {@code audio_durable} are held until {@link #snapshotSent}. Null when the session
   * cannot take the socket (no longer resumable, or {@code from} leaves a gap).
   */
  public Attached attach(Outbound next, Consumer<CloseStatus> closer, Long from) {
    SessionOutbound.Socket previous;
    Boolean wasOpen;
    Attached attached;
    synchronized (this) {
      long start = from == null ? audio.expected() : from;
      if (!life.held() || !audio.accepts(start) || (wasOpen = life.attach()) == null) {
        return null;
      }
      audio.restart(start);
      previous = app.attach(next, closer);
      attached = new Attached(life.attachment(), start);
    }
    liveness.attached();
    if (wasOpen) {
      previous.takenOver();
    }
    return attached;
  }

  /** The resumed socket got its snapshot of {@code revision} (-1: none): newer held updates follow, then durable. */
  public void snapshotSent(long revision) {
    app.snapshotSent(revision).forEach(this::deliver);
    durable.announce(false);
  }

  /** The socket is gone (client closed or connection lost). */
  public void onSocketClosed() {
    onSocketClosed(attachment());
  }

  /**
   * The socket of attachment {@code from} is gone without stop: a resumable session is DETACHED (its held audio
   * published, resumable for the window), any other ends {@code client_closed}. A superseded socket changes nothing.
   */
  public void onSocketClosed(int from) {
    synchronized (this) {
      SessionLifecycle.Gone gone = life.socketGone(from, clock.millis());
      if (gone == SessionLifecycle.Gone.IGNORED) {
        return;
      }
      if (gone == SessionLifecycle.Gone.DETACHED) {
        liveness.detached();
        audio.flush();
        app.finish(CloseStatus.NORMAL); // the socket is gone: nothing more is queued for it
        try (SessionMdc mdc = SessionMdc.of(id)) {
          log.info("Socket gone without stop: detached, resumable for {} (messages taken {}, durable {})",
              resume.window(), audio.expected(), audio.durable().frames());
        }
        return;
      }
    }
    terminate("client_closed", CloseStatus.NORMAL);
  }

  /**
   * Another gateway took the session over: the socket (if any) is closed 1008 {@code session_taken_over}, the held
   * audio published, and the result completes with the exact durable position once every record is acknowledged
   * (exceptionally if one failed). No SessionEnded: the session goes on elsewhere. Null when it is not held here.
   */
  public CompletableFuture<ResumePoint> handOver() {
    Boolean wasOpen;
    synchronized (this) {
      wasOpen = life.handOver();
      if (wasOpen == null) {
        return null;
      }
      audio.flush();
    }
    try (SessionMdc mdc = SessionMdc.of(id)) {
      log.info("Taken over by another gateway: closing the socket, draining; no SessionEnded here");
    }
    SessionOutbound.Socket socket = app.release();
    if (wasOpen) {
      socket.takenOver();
    }
    CompletableFuture<ResumePoint> drained = publishing.whenAllAcknowledged().thenApply(v -> audio.releasePoint());
    drained.whenComplete((p, e) -> ending.ended.complete(null));
    return drained;
  }

  /** Null unless the session is open or detached here. */
  public synchronized HeldSession snapshot() {
    if (!life.held()) {
      return null;
    }
    return new HeldSession(userId, format, life.state() == State.OPEN, life.detachedAtMs(), epoch, audio.durable(), audio.expected());
  }

  // ---------------------------------------------------------------- ending

  /**
   * {@code stop}: publish the rest and SessionEnded (once everything earlier is acknowledged), then close 1000
   * when the transcript is complete, or 4010 after {@code stop-timeout} (the audio is still delivered and the
   * stored transcript completes later), or 1013 if Kafka refused audio of the session.
   */
  public void stop() {
    stop("stop");
  }

  private void stop(String reason) {
    synchronized (this) {
      if (!life.stop()) {
        return;
      }
      finishing.complete(null);
      audio.flush();
    }
    try (SessionMdc mdc = SessionMdc.of(id)) {
      log.info("Ending audio ({}) at seq {}", reason, audio.lastSeq());
    }
    endAudio(reason);
    ending.closeAfterStop(reason, () -> {
      synchronized (this) {
        return life.closeAfterStop();
      }
    });
  }

  /**
   * Ends an open (or detached) session for {@code reason} (client_closed, idle_timeout, server_shutdown, error):
   * closes the socket with {@code status} now, and publishes the held audio and, once everything earlier is
   * acknowledged, SessionEnded (even if Kafka is away for a while: the session's publishing outlives the socket).
   */
  public void terminate(String reason, CloseStatus status, String... lastFrames) {
    synchronized (this) {
      SessionLifecycle.Ending next = life.terminate(reason);
      if (next == SessionLifecycle.Ending.END) {
        finishing.complete(null);
      }
      if (next != SessionLifecycle.Ending.END) {
        if (next == SessionLifecycle.Ending.CLOSE_ONLY) {
          app.finish(status, lastFrames);
        }
        return;
      }
      audio.flush();
    }
    try (SessionMdc mdc = SessionMdc.of(id)) {
      log.info("Ending session ({}) at seq {}", reason, audio.lastSeq());
    }
    app.finish(status, lastFrames);
    endAudio(reason).whenComplete((v, e) -> {
      synchronized (this) {
        life.closed();
      }
    });
  }

  private CompletableFuture<Placement> endAudio(String reason) {
    return ending.endAudio(reason, () -> audio.ended(reason), audio::lastSeq);
  }

  /** Kafka refused a record of this session for good: a hole in its sequence, so no SessionEnded, and 1013. */
  private void onPublishFailed(Throwable error) {
    if (!live) {
      return; // SessionStarted was not acknowledged: the handler answers the app itself
    }
    boolean socketOpen;
    synchronized (this) {
      socketOpen = life.publishFailed();
      finishing.complete(null);
    }
    ending.publishFailed(error, socketOpen);
  }
}
