package dev.rstt.gateway.session;

import dev.rstt.avro.SessionUpdate;
import dev.rstt.gateway.GatewayMetrics;
import dev.rstt.gateway.audio.AudioDecoder;
import dev.rstt.gateway.audio.AudioFormat;
import dev.rstt.gateway.resume.ResumePoint;
import dev.rstt.gateway.resume.ResumeSettings;
import dev.rstt.gateway.resume.SessionStart;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.springframework.web.reactive.socket.CloseStatus;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * One app session's lifecycle (docs/CONTRACT.md sections 2, 8, 10, 11): the app's audio messages are taken in
 * {@link SessionInlet}, the audio path lives in {@link SessionAudio} (one track per channel), the app's socket and
 * updates in {@link SessionOutbound}, publishing in {@link SessionPublisher} (it outlives the socket), the ending in
 * {@link SessionEnding}, idle and ping in {@link SocketLiveness}, {@code audio_durable} in {@link DurableAnnouncer}. A
 * resumable session whose socket goes away without stop is DETACHED for the window; a new socket {@link #attach}es
 * to it; another gateway's claim makes it {@link #handOver} (drain, no SessionEnded).
 */
public final class GatewaySession {

  /** The session's state: the rules are {@link SessionLifecycle}'s. */
  public enum State { OPEN, STOPPING, ENDING, CLOSED, DETACHED, HANDED_OVER }

  private final String id;
  private final String userId;
  private final AudioFormat format;
  private final SessionSettings settings;
  private final SessionPublisher publishing;
  private final GatewayMetrics metrics;
  private final Clock clock;
  private final SessionAudio audio;
  private final SessionOutbound app;
  private final SessionEnding ending;
  private final SocketLiveness liveness;
  private final ResumeSettings resume;
  private final DurableAnnouncer durable;
  private final SessionInlet inlet;
  private final int epoch;

  private final SessionLifecycle life;
  private final CompletableFuture<Void> finishing = new CompletableFuture<>();

  /**
   * @param decoders the session's decoders, one per channel of {@code ChannelFraming.channels(format)} (a
   *     multi-channel session in omi's framing decodes each channel on its own, docs/CONTRACT.md section 11)
   * @param resume the resume settings ({@link ResumeSettings#OFF}: a socket that goes away ends the session)
   * @param start where the timeline starts on this gateway (new, or taken over from another gateway)
   */
  public GatewaySession(String id, String userId, AudioFormat format, String gatewayId, SessionSettings settings,
      AudioSink publisher, GatewayMetrics metrics, Outbound outbound, Clock clock, Scheduler timers,
      List<AudioDecoder> decoders, ResumeSettings resume, SessionStart start) {
    this.id = id;
    this.userId = userId;
    this.format = format;
    this.settings = settings;
    this.publishing = new SessionPublisher(id, publisher, settings.sessionMaxUnackedBytes(), this::onPublishFailed);
    this.metrics = metrics;
    this.clock = clock;
    this.app = new SessionOutbound(outbound, metrics, resume.durableAckInterval().toMillis());
    this.audio = new SessionAudio(id, userId, gatewayId, format, settings.chunkMaxDuration(), decoders, start,
        publishing, metrics, this::chunkAcked);
    this.ending = new SessionEnding(id, publishing, app, metrics, settings.stopTimeout(), settings.stopStoreTimeout());
    this.liveness = new SocketLiveness(clock, settings, format.sampleRate() * format.channels(), metrics, timers);
    this.resume = resume;
    this.life = new SessionLifecycle(resume.enabled());
    this.durable = new DurableAnnouncer(id, resume, audio, app, metrics, clock, timers, this::tooSlow);
    this.inlet = new SessionInlet(this, life, audio, liveness, publishing, ending, this::send, format.channels(),
        clock, timers, settings.chunkMaxDelay());
    this.epoch = start.epoch();
    if (start.takenOver()) {
      life.live();
      app.awaitSnapshot(); // its socket resumed it: nothing ahead of session_resumed and the snapshot
    }
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

  /**
   * Completes when the session is no longer resumable anywhere: it ended for any reason other than stop, or its
   * SessionEnded after stop is stored (until then a gateway that dies leaves it to be resumed elsewhere).
   */
  public CompletableFuture<Void> finishing() {
    return finishing;
  }

  public void onForceClose(Consumer<CloseStatus> closer) {
    app.onForceClose(closer);
  }

  /** The session must stay in the registry: held, or stopping with its SessionEnded unstored or a socket waiting. */
  public synchronized boolean lingers() {
    return life.lingers(ending.stored.isDone());
  }

  /** Publishes SessionStarted; completes when Kafka acknowledged it. */
  public CompletableFuture<Void> start() {
    synchronized (this) {
      return publishing.publish(audio.started(clock.millis()), 0).thenAccept(placement -> {
        synchronized (this) {
          audio.startAcked(placement);
          life.live();
        }
      });
    }
  }

  /** When SessionStarted was never acknowledged: a best-effort SessionEnded so the session is closed downstream. */
  public void abandon() {
    synchronized (this) {
      life.closed();
      finishing.complete(null);
    }
    ending.abandon(audio.ended("error"));
  }

  // ---------------------------------------------------------------- inbound

  /** Any inbound message: resets the idle timer. */
  public void touch() {
    liveness.activity();
  }

  /**
   * One binary app frame from the socket of attachment {@code from} (a superseded socket's are ignored). Returns
   * when the socket may be read again: at once below the unacked caps, later when Kafka has caught up.
   */
  public Mono<Void> onAudio(byte[] frame, int from) {
    return inlet.take(frame, from);
  }

  /** A text frame: {@code {"type":"stop"}} ends the audio; anything else is ignored. */
  public void onText(String text) {
    if (StopMessage.isStop(text)) {
      stop();
    }
  }

  private void chunkAcked(int track, long seq, long receivedAtMs, Placement placement) {
    durable.acked(track, seq, receivedAtMs, placement);
  }

  // ---------------------------------------------------------------- outbound and updates

  /** Sends a frame to the app; a client too slow to read its queue is closed 1013. */
  public void send(String text) {
    if (!app.send(text)) {
      tooSlow();
    }
  }

  private void tooSlow() {
    metrics.rejected("client_too_slow");
    ending.info("Client reads too slowly: outbound queue full, closing 1013");
    terminate("error", CloseStatus.SERVICE_OVERLOAD.withReason("client too slow"));
    app.forceClose(CloseStatus.SERVICE_OVERLOAD.withReason("client too slow"));
  }

  /** An update from the merger for this session. Revisions already delivered are dropped. */
  public void deliver(SessionUpdate update) {
    if (!app.deliver(update)) {
      tooSlow();
    }
  }

  /** Periodic: the {@code ping} text frame, the idle and no-audio timeouts and the maximum length. */
  public void tick() {
    SocketLiveness.Tick tick;
    synchronized (this) {
      tick = liveness.tick(life.limited(), life.pings(app.finished()));
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
    ending.info("{}: {}", limit, limit.endsLikeStop() ? "ending like a stop" : "closing 1001");
    metrics.rejected(limit.reason());
    if (limit.endsLikeStop()) {
      send(SessionLimits.maxDurationMessage(settings.limits().maxDuration()));
      stop("max_duration");
    } else {
      terminate("idle_timeout", limit.closeStatus());
    }
  }

  // ---------------------------------------------------------------- resume (docs/CONTRACT.md section 10)

  /** The current socket's attachment number (audio and closes of earlier sockets are ignored). */
  public synchronized int attachment() {
    return life.attachment();
  }

  /**
   * A new socket takes the session (a resume on this gateway): a socket still attached is closed 1008
   * {@code session_taken_over}; the app sends from message {@code from} on (null: from the first message the
   * session still needs, decided here, after the last message of the old socket); what the session took already
   * is dropped (a stopping session takes no audio: the socket hears the close after stop). Live updates and
   * {@code audio_durable} are held until {@link #snapshotSent}. Null when the session cannot take the socket (no
   * longer resumable, or {@code from} leaves a gap).
   */
  public Attached attach(Outbound next, Consumer<CloseStatus> closer, Long from) {
    SessionOutbound.Socket previous;
    Boolean wasOpen;
    Attached attached;
    synchronized (this) {
      Long start = audio.startFor(from);
      if (start == null || (wasOpen = life.attach(ending.stored.isDone())) == null) {
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
    if (!app.snapshotSent(revision)) { // the held updates, queued under the outbound's lock
      tooSlow();
    }
    durable.announce(false);
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
        ending.info("Socket gone without stop: detached, resumable for {} (messages taken {}, durable {})",
            resume.window(), audio.expected(), audio.durable().frames());
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
    ending.info("Taken over by another gateway: closing the socket, draining; no SessionEnded here");
    app.release(wasOpen);
    return ending.handedOver(publishing.whenAllAcknowledged().thenApply(v -> audio.releasePoint()));
  }

  /** Null unless the session is open, detached or stopping (SessionEnded not yet stored) here. */
  public synchronized HeldSession snapshot() {
    if (!life.resumable(ending.stored.isDone())) {
      return null;
    }
    return new HeldSession(userId, format, life.socket(), life.detachedAtMs(), epoch, audio.durable(),
        audio.expected(), life.stopping());
  }

  // ---------------------------------------------------------------- ending

  /**
   * {@code stop}: publish the rest and SessionEnded (once everything earlier is acknowledged), then close as
   * {@link SessionEnding#closeAfterStop} says: 1000 when the transcript is complete, 4010 after {@code stop-timeout}
   * once the audio is stored, 1013 when it is not stored in {@code stop-store-timeout} or Kafka refused it.
   */
  public void stop() {
    stop("stop");
  }

  private void stop(String reason) {
    synchronized (this) {
      if (!life.stop()) {
        return;
      }
      audio.flush();
    }
    ending.info("Ending audio ({}) at seq {}", reason, audio.lastSeq());
    endAudio(reason).thenRun(() -> finishing.complete(null)); // resumable elsewhere until stored
    ending.closeAfterStop(reason, this, life);
  }

  /**
   * Ends an open (or detached) session for {@code reason} (client_closed, idle_timeout, server_shutdown, error):
   * closes the socket with {@code status} now, and publishes the held audio and, once everything earlier is
   * acknowledged, SessionEnded (even if Kafka is away for a while: the session's publishing outlives the socket).
   */
  public void terminate(String reason, CloseStatus status, String... lastFrames) {
    synchronized (this) {
      SessionLifecycle.Ending next = life.terminate(reason);
      if (next == SessionLifecycle.Ending.CLOSE_ONLY) {
        app.finish(status, lastFrames);
      }
      if (next != SessionLifecycle.Ending.END) {
        return;
      }
      finishing.complete(null);
      audio.flush();
    }
    ending.info("Ending session ({}) at seq {}", reason, audio.lastSeq());
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
    SessionLifecycle.Failure failure;
    synchronized (this) {
      failure = life.publishFailed();
    }
    if (failure != SessionLifecycle.Failure.NOT_LIVE) {
      finishing.complete(null);
      ending.publishFailed(error, failure == SessionLifecycle.Failure.SOCKET_OPEN);
    }
  }
}
