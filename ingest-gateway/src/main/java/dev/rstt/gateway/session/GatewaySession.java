package dev.rstt.gateway.session;

import dev.rstt.common.concurrent.AsyncFailures;
import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.SessionStarted;
import dev.rstt.avro.SessionUpdate;
import dev.rstt.common.logging.SessionMdc;
import dev.rstt.gateway.GatewayMetrics;
import dev.rstt.gateway.audio.AudioDecoder;
import dev.rstt.gateway.audio.AudioFormat;
import dev.rstt.gateway.audio.ChunkAggregator;
import dev.rstt.gateway.updates.AppMessages;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.reactive.socket.CloseStatus;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * One app session: its audio timeline on {@code audio.frames} (SessionStarted, gap-free AudioChunks,
 * SessionEnded after every earlier record is acknowledged), its back-pressure and its outbound frames.
 * Socket wiring lives in {@code ListenHandler}; this class does not touch the socket except through
 * {@link Outbound} and the force-close callback.
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
  private final AudioSink publisher;
  private final GatewayMetrics metrics;
  private final Outbound outbound;
  private final Clock clock;
  private final Scheduler timers;
  private final AudioDecoder decoder;
  private final ChunkAggregator aggregator;

  private State state = State.OPEN;
  private long nextSeq;
  private long nextOffset;
  private long chunkReceivedAtMs;
  private long flushGeneration;
  private long lastRevision = -1;
  private long lastInboundMs;
  private long lastPingMs;
  private volatile Consumer<CloseStatus> forceClose = s -> { };
  /** SessionStarted was acknowledged; before that, the handler answers a Kafka failure itself. */
  private volatile boolean live;

  private final AtomicLong unacked = new AtomicLong();
  private final AtomicLong outstanding = new AtomicLong();
  private final List<CompletableFuture<Void>> drainWaiters = new ArrayList<>();
  private CompletableFuture<Void> capacityWaiter;
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
    this.publisher = publisher;
    this.metrics = metrics;
    this.outbound = outbound;
    this.clock = clock;
    this.timers = timers;
    this.decoder = decoder;
    this.aggregator = new ChunkAggregator(ChunkAggregator.bytesFor(format, settings.chunkMaxDuration().toMillis()));
    this.lastInboundMs = clock.millis();
    this.lastPingMs = lastInboundMs;
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

  /** Completes after SessionEnded was acknowledged (or the session failed without one). */
  public CompletableFuture<Void> ended() {
    return ended;
  }

  public void onForceClose(Consumer<CloseStatus> closer) {
    this.forceClose = closer;
  }

  /** Publishes SessionStarted; completes when Kafka acknowledged it. */
  public CompletableFuture<Void> start() {
    SessionStarted started = SessionStarted.newBuilder().setSessionId(id).setUserId(userId)
        .setLanguage(format.language()).setSampleRate(format.sampleRate()).setChannels(format.channels())
        .setCodec(format.codec().wireName()).setStartedAtMs(clock.millis()).setGatewayId(gatewayId).build();
    synchronized (this) {
      return track(publisher.publish(id, started, 0), 0).thenRun(() -> live = true);
    }
  }

  /** When SessionStarted was never acknowledged: a best-effort SessionEnded so the session is closed downstream. */
  public void abandon() {
    synchronized (this) {
      state = State.CLOSED;
    }
    publisher.publish(id, ended("error"), 0).whenComplete((v, e) -> ended.complete(null));
  }

  // ---------------------------------------------------------------- inbound

  /** Any inbound message: resets the idle timer. */
  public synchronized void touch() {
    lastInboundMs = clock.millis();
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
      if (pcm.length > 0) {
        boolean wasEmpty = aggregator.isEmpty();
        long now = clock.millis();
        if (wasEmpty) {
          chunkReceivedAtMs = now;
        }
        boolean emitted = false;
        for (byte[] chunk : aggregator.add(pcm)) {
          publishChunk(chunk);
          chunkReceivedAtMs = now;
          emitted = true;
        }
        if (!aggregator.isEmpty() && (wasEmpty || emitted)) {
          scheduleFlush(); // the held audio began with this frame: publish it within chunk.max-delay
        }
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

  private void scheduleFlush() {
    long generation = ++flushGeneration;
    timers.schedule(() -> {
      synchronized (this) {
        if (generation == flushGeneration && !aggregator.isEmpty() && state == State.OPEN) {
          publishChunk(aggregator.flush());
        }
      }
    }, settings.chunkMaxDelay().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Caller holds the lock. */
  private void publishChunk(byte[] pcm) {
    if (pcm.length == 0) {
      return;
    }
    flushGeneration++; // a pending max-delay flush is for audio that is now published
    long frames = pcm.length / format.frameBytes();
    AudioChunk chunk = AudioChunk.newBuilder().setSessionId(id).setUserId(userId).setSeq(nextSeq)
        .setOffsetSamples(nextOffset).setSampleRate(format.sampleRate()).setChannels(format.channels())
        .setLanguage(format.language()).setPcm(ByteBuffer.wrap(pcm)).setReceivedAtMs(chunkReceivedAtMs).build();
    nextSeq++;
    nextOffset += frames;
    track(publisher.publish(id, chunk, pcm.length), pcm.length);
  }

  /** Caller holds the lock. */
  private CompletableFuture<Void> track(CompletableFuture<Void> acked, long bytes) {
    unacked.addAndGet(bytes);
    outstanding.incrementAndGet();
    acked.whenComplete((v, error) -> {
      unacked.addAndGet(-bytes);
      if (error != null) {
        onPublishFailed(error);
      }
      if (outstanding.decrementAndGet() == 0) {
        List<CompletableFuture<Void>> waiters;
        synchronized (this) {
          waiters = new ArrayList<>(drainWaiters);
          drainWaiters.clear();
        }
        waiters.forEach(w -> w.complete(null));
      }
      checkCapacity();
    });
    return acked;
  }

  private boolean overCap() {
    return unacked.get() >= settings.sessionMaxUnackedBytes() || publisher.global().full();
  }

  private Mono<Void> backpressure() {
    if (!overCap()) {
      return Mono.empty();
    }
    CompletableFuture<Void> waiter;
    synchronized (this) {
      if (capacityWaiter == null) {
        capacityWaiter = new CompletableFuture<>();
      }
      waiter = capacityWaiter;
    }
    metrics.backpressured();
    if (publisher.global().full()) {
      publisher.global().whenFree(this::checkCapacity);
    }
    checkCapacity();
    return Mono.fromFuture(waiter, true);
  }

  private void checkCapacity() {
    CompletableFuture<Void> waiter;
    synchronized (this) {
      if (capacityWaiter == null) {
        return;
      }
      if (overCap()) {
        if (publisher.global().full() && unacked.get() < settings.sessionMaxUnackedBytes()) {
          publisher.global().whenFree(this::checkCapacity);
        }
        return;
      }
      waiter = capacityWaiter;
      capacityWaiter = null;
    }
    waiter.complete(null);
  }

  private CompletableFuture<Void> whenDrained() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    synchronized (this) {
      if (outstanding.get() > 0) {
        drainWaiters.add(f);
        return f;
      }
    }
    f.complete(null);
    return f;
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
    boolean idle = false;
    boolean ping = false;
    synchronized (this) {
      long now = clock.millis();
      if (state == State.OPEN && now - lastInboundMs >= settings.idleTimeout().toMillis()) {
        idle = true;
      } else if (state != State.CLOSED && now - lastPingMs >= settings.pingInterval().toMillis()) {
        lastPingMs = now;
        ping = true;
      }
    }
    if (idle) {
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

  /** {@code stop}: publish the rest, SessionEnded, wait for the complete transcript, close 1000. */
  public void stop() {
    synchronized (this) {
      if (state != State.OPEN) {
        return;
      }
      state = State.STOPPING;
      publishChunk(aggregator.flush());
    }
    try (SessionMdc mdc = SessionMdc.of(id)) {
      log.info("Stop received: ending audio at seq {}", nextSeq - 1);
    }
    endAudio("stop")
        .thenCompose(v -> complete.copy().orTimeout(settings.stopTimeout().toMillis(), TimeUnit.MILLISECONDS))
        .whenComplete((v, e) -> {
          try (SessionMdc mdc = SessionMdc.of(id)) {
            if (e != null && AsyncFailures.unwrap(e) instanceof TimeoutException) {
              log.warn("Transcript not complete {} after stop: closing 1000 anyway", settings.stopTimeout());
            } else if (e != null) {
              log.warn("Stop did not finish cleanly: {}", AsyncFailures.unwrap(e).toString());
            } else {
              log.info("Transcript complete: closing 1000");
            }
          }
          synchronized (this) {
            state = State.CLOSED;
          }
          outbound.finish(CloseStatus.NORMAL);
        });
  }

  /**
   * Ends an open session for {@code reason} (client_closed, idle_timeout, server_shutdown, error): publishes
   * held audio and SessionEnded after everything earlier is acknowledged, then closes with {@code status}.
   */
  public void terminate(String reason, CloseStatus status, String... lastFrames) {
    synchronized (this) {
      if (state != State.OPEN) {
        if (state == State.STOPPING && !"client_closed".equals(reason)) {
          state = State.ENDING; // stop in flight already publishes SessionEnded; just close now
          outbound.finish(status, lastFrames);
        }
        return;
      }
      state = State.ENDING;
      publishChunk(aggregator.flush());
    }
    try (SessionMdc mdc = SessionMdc.of(id)) {
      log.info("Ending session ({}) at seq {}", reason, nextSeq - 1);
    }
    endAudio(reason).whenComplete((v, e) -> {
      synchronized (this) {
        state = State.CLOSED;
      }
      outbound.finish(status, lastFrames);
    });
  }

  /** The socket is gone (client closed or connection lost). */
  public void onSocketClosed() {
    terminate("client_closed", CloseStatus.NORMAL);
  }

  private CompletableFuture<Void> endAudio(String reason) {
    CompletableFuture<Void> result = whenDrained().thenCompose(v -> {
      SessionEnded end;
      synchronized (this) {
        end = ended(reason);
      }
      return track(publisher.publish(id, end, 0), 0);
    });
    result.whenComplete((v, e) -> {
      try (SessionMdc mdc = SessionMdc.of(id)) {
        if (e == null) {
          log.info("SessionEnded({}) acknowledged: last_seq {}", reason, nextSeq - 1);
        }
      }
      ended.complete(null);
    });
    return result;
  }

  /** Caller holds the lock. */
  private SessionEnded ended(String reason) {
    return SessionEnded.newBuilder().setSessionId(id).setUserId(userId).setLastSeq(nextSeq - 1)
        .setEndOffsetSamples(nextOffset).setSampleRate(format.sampleRate()).setReason(reason).build();
  }

  private void onPublishFailed(Throwable error) {
    if (!live) {
      return;
    }
    boolean first;
    synchronized (this) {
      first = state != State.CLOSED;
      state = State.CLOSED;
    }
    if (first) {
      try (SessionMdc mdc = SessionMdc.of(id)) {
        log.error("Kafka did not acknowledge audio of this session ({}): closing 1013 without SessionEnded",
            AsyncFailures.unwrap(error).toString());
      }
      metrics.rejected("kafka_unavailable");
      outbound.finish(CloseStatus.SERVICE_OVERLOAD.withReason("kafka unavailable"),
          AppMessages.error("kafka_unavailable", "audio could not be stored; reconnect later", Duration.ofSeconds(5)));
      ended.complete(null);
      // wake a reader waiting for capacity so the socket loop can finish
      CompletableFuture<Void> waiter;
      synchronized (this) {
        waiter = capacityWaiter;
        capacityWaiter = null;
      }
      if (waiter != null) {
        waiter.complete(null);
      }
    }
  }


}
