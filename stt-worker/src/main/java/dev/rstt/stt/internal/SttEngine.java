package dev.rstt.stt.internal;

import com.github.f4b6a3.ulid.UlidCreator;
import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.LiveResumed;
import dev.rstt.avro.Segment;
import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.SessionStarted;
import dev.rstt.avro.StatusChanged;
import dev.rstt.common.audio.Pcm;
import dev.rstt.common.deepgram.DeepgramException;
import dev.rstt.common.deepgram.DeepgramFailure;
import dev.rstt.common.kafka.DeadLetters;
import dev.rstt.common.logging.SessionMdc;
import dev.rstt.schemas.Topics;
import dev.rstt.stt.config.SttProperties;
import dev.rstt.stt.deepgram.DeepgramLiveClient;
import dev.rstt.stt.deepgram.FinalResult;
import dev.rstt.stt.deepgram.LiveConnection;
import dev.rstt.stt.deepgram.LiveListener;
import dev.rstt.stt.deepgram.LiveParams;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's engine: one thread polls {@code audio.frames}, owns every session's state, runs the timers and
 * handles socket and producer callbacks (handed over through a queue), so no state is shared between threads.
 *
 * <p>Commit rule (CONTRACT.md section 3): every record read is tracked per partition and marked done when its
 * audio is below a final cursor whose {@code SegmentsProduced} is acknowledged, or when it was re-published to
 * {@code audio.degraded} and acknowledged; the committed offset is the lowest record not done.
 */
public final class SttEngine implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(SttEngine.class);

  private final SttProperties props;
  private final Topics topics;
  private final Consumer<String, byte[]> consumer;
  private final Producer<String, SpecificRecord> degradedProducer;
  private final Producer<String, SpecificRecord> eventsProducer;
  private final Producer<String, byte[]> deadLetterProducer;
  private final DeepgramLiveClient client;
  private final CircuitBreaker breaker;
  private final MeterRegistry meters;
  private final Clock clock;
  private final Deserializer<SpecificRecord> framesDeserializer;

  private final Queue<Runnable> events = new ConcurrentLinkedQueue<>();
  private final Map<String, Session> sessions = new HashMap<>();
  private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
  private volatile boolean running = true;
  private final AtomicReference<Thread> thread = new AtomicReference<>();
  private long bufferedBytes;
  private boolean paused;
  private long lastTick;
  /** Handshakes under way, and attempts waiting for one of the {@code max-concurrent-handshakes} slots. */
  private int handshakesInFlight;
  private final java.util.ArrayDeque<Object[]> queuedHandshakes = new java.util.ArrayDeque<>();
  private long lastCommit;

  private final AtomicInteger liveSockets = new AtomicInteger();
  private final AtomicInteger degradedSessions = new AtomicInteger();
  private final AtomicInteger activeSessions = new AtomicInteger();
  private final Counter framesSent;
  private final Counter reroutes;
  private final Counter reconnects;
  private final Counter socketDeaths;

  public SttEngine(SttProperties props, Topics topics, Consumer<String, byte[]> consumer,
      Producer<String, SpecificRecord> degradedProducer, Producer<String, SpecificRecord> eventsProducer,
      Producer<String, byte[]> deadLetterProducer, DeepgramLiveClient client, CircuitBreaker breaker,
      MeterRegistry meters, Clock clock) {
    this.props = props;
    this.topics = topics;
    this.consumer = consumer;
    this.degradedProducer = degradedProducer;
    this.eventsProducer = eventsProducer;
    this.deadLetterProducer = deadLetterProducer;
    this.client = client;
    this.breaker = breaker;
    this.meters = meters;
    this.clock = clock;
    this.framesDeserializer = topics.audioFrames().valueSerde().deserializer();
    this.framesSent = Counter.builder("rstt.stt.frames.sent").description("Audio chunks sent to live sockets")
        .register(meters);
    this.reroutes = Counter.builder("rstt.stt.reroutes").description("Audio chunks re-published to audio.degraded")
        .register(meters);
    this.reconnects = Counter.builder("rstt.stt.reconnects")
        .description("Live connection attempts to bring a degraded session back").register(meters);
    this.socketDeaths = Counter.builder("rstt.stt.socket.deaths")
        .description("Live sockets that closed abnormally, failed or stalled").register(meters);
    Gauge.builder("rstt.stt.live.sockets", liveSockets, AtomicInteger::get).description("Open live sockets")
        .register(meters);
    Gauge.builder("rstt.stt.sessions.degraded", degradedSessions, AtomicInteger::get)
        .description("Sessions in degraded mode").register(meters);
    Gauge.builder("rstt.stt.sessions.active", activeSessions, AtomicInteger::get)
        .description("Sessions held by this worker").register(meters);
    breaker.getEventPublisher().onStateTransition(e -> post(() -> onBreakerTransition(e.getStateTransition())));
  }

  /** Asks the engine to stop; {@link #run()} returns after committing what is done. */
  public void stop() {
    running = false;
    consumer.wakeup();
  }

  public boolean isRunning() {
    Thread t = thread.get();
    return t != null && t.isAlive();
  }

  private void post(Runnable event) {
    events.add(event);
  }

  private long now() {
    return System.nanoTime();
  }

  // ---------------------------------------------------------------------------------------------------------
  // Poll loop

  @Override
  public void run() {
    thread.set(Thread.currentThread());
    consumer.subscribe(List.of(topics.audioFrames().name()), new Rebalance());
    log.info("STT worker consuming {} as group member", topics.audioFrames().name());
    try {
      while (running) {
        ConsumerRecords<String, byte[]> records;
        try {
          records = consumer.poll(props.pollTimeout());
        } catch (WakeupException e) {
          continue;
        }
        drainEvents();
        for (ConsumerRecord<String, byte[]> r : records) {
          onRecord(r);
        }
        drainEvents();
        long now = now();
        if (now - lastTick >= props.tickInterval().toNanos()) {
          lastTick = now;
          tick(now);
        }
        if (now - lastCommit >= props.commitInterval().toNanos()) {
          lastCommit = now;
          commit(false);
        }
        applyBackpressure();
      }
    } catch (RuntimeException e) {
      log.error("STT engine failed; stopping", e);
      throw e;
    } finally {
      shutdown();
    }
  }

  private void drainEvents() {
    Runnable r;
    while ((r = events.poll()) != null) {
      try {
        r.run();
      } catch (RuntimeException e) {
        log.error("Engine event failed", e);
      }
    }
  }

  private void shutdown() {
    try {
      drainEvents();
      commit(true);
    } catch (RuntimeException e) {
      log.warn("Final commit failed: {}", e.toString());
    }
    for (Session s : sessions.values()) {
      abandon(s);
    }
    sessions.clear();
    try {
      consumer.close(Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      log.warn("Consumer close failed: {}", e.toString());
    }
    log.info("STT engine stopped");
  }

  private void commit(boolean sync) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    progress.forEach((tp, p) -> {
      long c = p.pendingCommit();
      if (c >= 0) {
        offsets.put(tp, new OffsetAndMetadata(c));
      }
    });
    commitOffsets(offsets, sync);
  }

  private void commitOffsets(Map<TopicPartition, OffsetAndMetadata> offsets, boolean sync) {
    if (offsets.isEmpty()) {
      return;
    }
    if (sync) {
      consumer.commitSync(offsets);
      offsets.forEach((tp, o) -> markCommitted(tp, o.offset()));
    } else {
      consumer.commitAsync(offsets, (done, error) -> {
        if (error != null) {
          log.warn("Offset commit failed (will retry): {}", error.toString());
        } else {
          done.forEach((tp, o) -> markCommitted(tp, o.offset()));
        }
      });
    }
  }

  private void markCommitted(TopicPartition tp, long offset) {
    PartitionProgress p = progress.get(tp);
    if (p != null) {
      p.markCommitted(offset);
    }
  }

  private void applyBackpressure() {
    if (!paused && bufferedBytes > props.maxBufferedBytes()) {
      paused = true;
      consumer.pause(consumer.assignment());
      log.warn("Pausing consumption: {} bytes of audio held in memory", bufferedBytes);
    } else if (paused && bufferedBytes < props.maxBufferedBytes() * 8 / 10) {
      paused = false;
      consumer.resume(consumer.paused());
      log.info("Resuming consumption: {} bytes of audio held in memory", bufferedBytes);
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        progress.putIfAbsent(tp, new PartitionProgress());
      }
      if (paused) {
        consumer.pause(partitions);
      }
      if (!partitions.isEmpty()) {
        log.info("Partitions assigned: {}", partitions);
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      drainEvents();
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      for (TopicPartition tp : partitions) {
        PartitionProgress p = progress.get(tp);
        if (p != null && p.pendingCommit() >= 0) {
          offsets.put(tp, new OffsetAndMetadata(p.pendingCommit()));
        }
      }
      try {
        commitOffsets(offsets, true);
      } catch (RuntimeException e) {
        log.warn("Commit on revocation failed: {}", e.toString());
      }
      drop(partitions, "revoked");
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      drop(partitions, "lost");
    }
  }

  private void drop(Collection<TopicPartition> partitions, String why) {
    Iterator<Session> it = sessions.values().iterator();
    int dropped = 0;
    while (it.hasNext()) {
      Session s = it.next();
      if (partitions.contains(s.partition)) {
        abandon(s);
        it.remove();
        dropped++;
      }
    }
    partitions.forEach(progress::remove);
    log.info("Partitions {}: {}; dropped {} sessions", why, partitions, dropped);
  }

  /** Forgets a session: its socket is dropped, its callbacks ignored, its memory released. */
  private void abandon(Session s) {
    s.dropped = true;
    Connection c = s.connection;
    s.connection = null;
    if (c != null) {
      closeSocket(c);
    }
    bufferedBytes -= s.retainedBytes;
    s.retainedBytes = 0;
    s.chunks.clear();
    s.overlap.clear();
  }

  private void closeSocket(Connection c) {
    if (!c.outcomeReported) {
      c.outcomeReported = true;
      breaker.releasePermission();
    }
    if (c.socket != null) {
      c.socket.abort();
    }
    if (c.open) {
      c.open = false;
      liveSockets.decrementAndGet();
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Records

  private void onRecord(ConsumerRecord<String, byte[]> r) {
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    PartitionProgress p = progress.computeIfAbsent(tp, k -> new PartitionProgress());
    PartitionProgress.Tracked tracked = p.track(r.offset());
    SpecificRecord value;
    try {
      value = framesDeserializer.deserialize(r.topic(), r.headers(), r.value());
      validate(value);
    } catch (RuntimeException e) {
      deadLetter(r, e, tracked);
      return;
    }
    if (value instanceof SessionStarted started) {
      onStarted(tp, started, tracked);
    } else if (value instanceof AudioChunk chunk) {
      onChunk(tp, chunk, tracked);
    } else if (value instanceof SessionEnded ended) {
      onEnded(tp, ended, tracked);
    } else {
      deadLetter(r, new IllegalArgumentException("Unexpected record type " + value.getClass().getSimpleName()),
          tracked);
    }
  }

  private static void validate(SpecificRecord value) {
    if (value == null) {
      throw new IllegalArgumentException("null value");
    }
    if (value instanceof AudioChunk c) {
      if (c.getSampleRate() < 4000 || c.getSampleRate() > 192000 || c.getChannels() < 1 || c.getChannels() > 8
          || c.getOffsetSamples() < 0 || c.getSeq() < 0 || c.getPcm().remaining() % (2 * c.getChannels()) != 0) {
        throw new IllegalArgumentException("Invalid AudioChunk: rate " + c.getSampleRate() + ", channels "
            + c.getChannels() + ", offset " + c.getOffsetSamples() + ", seq " + c.getSeq() + ", "
            + c.getPcm().remaining() + " bytes");
      }
    }
  }

  private void deadLetter(ConsumerRecord<String, byte[]> r, Exception e, PartitionProgress.Tracked tracked) {
    DeadLetters.report(meters, r.topic(), r.partition(), r.offset(), e);
    ProducerRecord<String, byte[]> dlt = new ProducerRecord<>(DeadLetters.deadLetterTopic(r.topic()), null,
        r.key(), r.value());
    dlt.headers().add("kafka_dlt-original-topic", r.topic().getBytes(StandardCharsets.UTF_8));
    dlt.headers().add("kafka_dlt-original-partition",
        ByteBuffer.allocate(4).putInt(r.partition()).array());
    dlt.headers().add("kafka_dlt-original-offset", ByteBuffer.allocate(8).putLong(r.offset()).array());
    dlt.headers().add("kafka_dlt-exception-fqcn", e.getClass().getName().getBytes(StandardCharsets.UTF_8));
    dlt.headers().add("kafka_dlt-exception-message",
        String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8));
    deadLetterProducer.send(dlt, (md, error) -> post(() -> {
      if (error == null) {
        tracked.markDone();
      } else {
        log.error("Cannot dead-letter {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), error.toString());
      }
    }));
  }

  private void onStarted(TopicPartition tp, SessionStarted started, PartitionProgress.Tracked tracked) {
    Session s = sessions.get(started.getSessionId());
    if (s == null) {
      s = new Session(started.getSessionId(), tp);
      s.userId = started.getUserId();
      s.language = started.getLanguage();
      s.sampleRate = started.getSampleRate();
      s.channels = started.getChannels();
      sessions.put(s.id, s);
    }
    tracked.markDone();
  }

  private void onChunk(TopicPartition tp, AudioChunk record, PartitionProgress.Tracked tracked) {
    Session s = sessions.get(record.getSessionId());
    if (s == null) {
      s = new Session(record.getSessionId(), tp);
      s.coldTakeover = true;
      sessions.put(s.id, s);
    }
    if (record.getSeq() <= s.lastSeq || s.mode == Session.Mode.ENDED || s.ended != null) {
      tracked.markDone(); // a duplicate, or audio after the end: nothing to transcribe
      return;
    }
    s.format(record);
    s.lastSeq = record.getSeq();
    Session.Chunk chunk = new Session.Chunk(record, tracked, Pcm.frames(record.getPcm().remaining(),
        record.getChannels()));
    s.lastChunkEnd = chunk.end;
    s.lastAudioNanos = now();
    s.chunks.addLast(chunk);
    s.retainedBytes += chunk.bytes;
    bufferedBytes += chunk.bytes;
    switch (s.mode) {
      case IDLE -> startInitial(s, chunk.start);
      case CONNECTING -> { } // held until the socket opens
      case LIVE -> sendLive(s, chunk);
      case RESUMING -> tryCompleteResume(s);
      case DEGRADED, RECOVERING -> reroute(s, chunk);
      case CLOSING -> { } // an idle close in progress: a new connection takes the held chunks after it
      default -> throw new IllegalStateException("chunk in mode " + s.mode);
    }
  }

  private void onEnded(TopicPartition tp, SessionEnded ended, PartitionProgress.Tracked tracked) {
    Session known = sessions.get(ended.getSessionId());
    if (known != null) {
      onKnownEnded(known, ended, tracked);
      return;
    }
    {
      Session s;
      // Taken over at its very end: the previous owner may have left a live stream or a degraded episode
      // unfinished, so both paths are told the session ended.
      s = new Session(ended.getSessionId(), tp);
      s.coldTakeover = true;
      s.sampleRate = ended.getSampleRate();
      s.userId = ended.getUserId();
      sessions.put(s.id, s);
      s.ended = ended;
      s.endTracked = tracked;
      Session session = s;
      AtomicInteger acks = new AtomicInteger();
      Runnable oneAcked = () -> {
        if (acks.incrementAndGet() == 2) {
          finishSession(session);
        }
      };
      sendDegraded(s, ended, oneAcked);
      publishStatus(s, "live_finished", null, Map.of("cold_takeover", "true"), ended.getEndOffsetSamples(),
          oneAcked);
    }
  }

  private void onKnownEnded(Session s, SessionEnded ended, PartitionProgress.Tracked tracked) {
    if (s.ended != null) {
      tracked.markDone();
      return;
    }
    s.ended = ended;
    s.endTracked = tracked;
    switch (s.mode) {
      case IDLE -> publishStatus(s, "live_finished", null, Map.of(), ended.getEndOffsetSamples(),
          () -> finishSession(s));
      case CONNECTING -> { } // handled when the socket opens or fails
      case LIVE -> beginClose(s);
      case RESUMING -> tryCompleteResume(s);
      case DEGRADED -> finishDegraded(s);
      case RECOVERING -> {
        Connection c = s.connection;
        s.connection = null; // the attempt completes stale and is dropped
        if (c != null) {
          closeSocket(c);
        }
        s.mode = Session.Mode.DEGRADED;
        finishDegraded(s);
      }
      default -> tracked.markDone();
    }
  }

  private void finishSession(Session s) {
    if (s.dropped) {
      return;
    }
    if (s.endTracked != null) {
      s.endTracked.markDone();
    }
    s.mode = Session.Mode.ENDED;
    abandon(s);
    sessions.remove(s.id, s);
    try (SessionMdc mdc = SessionMdc.of(s.id)) {
      log.info("Session finished");
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Live connections

  private LiveParams params(Session s) {
    return new LiveParams(s.language == null || s.language.isBlank() ? "en" : s.language, s.sampleRate, s.channels);
  }

  private void startInitial(Session s, long startSamples) {
    s.mode = Session.Mode.CONNECTING;
    if (!breaker.tryAcquirePermission()) {
      goDegraded(s, "breaker_open", DeepgramFailure.TRANSIENT);
      return;
    }
    Connection c = new Connection(UlidCreator.getMonotonicUlid().toString(), false, now());
    c.startSamples = startSamples;
    c.cursor = startSamples;
    c.ackedCursor = startSamples;
    connect(s, c);
  }

  private void connect(Session s, Connection c) {
    s.connection = c;
    if (handshakesInFlight >= props.maxConcurrentHandshakes()) {
      // Many sessions arriving at once (a start-up, a rebalance, a recovery) would otherwise open all their
      // sockets together; on a busy host the handshakes then time out and the breaker blames Deepgram.
      queuedHandshakes.add(new Object[] {s, c});
      return;
    }
    startHandshake(s, c);
  }

  private void startHandshake(Session s, Connection c) {
    handshakesInFlight++;
    c.attemptNanos = now();
    try (SessionMdc mdc = SessionMdc.of(s.id, c.sttSession)) {
      log.info("Opening live connection ({})", c.recovery ? "recovery" : s.coldTakeover ? "take-over" : "new");
    }
    client.connect(params(s), new SocketEvents(s, c))
        .whenComplete((socket, error) -> post(() -> {
          handshakesInFlight--;
          startQueuedHandshakes();
          onConnectResult(s, c, socket, error);
        }));
  }

  /** Starts queued attempts whose session still wants them, while slots are free. */
  private void startQueuedHandshakes() {
    while (handshakesInFlight < props.maxConcurrentHandshakes() && !queuedHandshakes.isEmpty()) {
      Object[] next = queuedHandshakes.poll();
      Session s = (Session) next[0];
      Connection c = (Connection) next[1];
      if (!s.dropped && s.connection == c) {
        startHandshake(s, c);
      }
    }
  }

  private void onConnectResult(Session s, Connection c, LiveConnection socket, Throwable error) {
    long took = now() - c.attemptNanos;
    Throwable cause = error == null ? null : unwrap(error);
    if (cause != null && !c.outcomeReported) {
      c.outcomeReported = true;
      breaker.onError(took, TimeUnit.NANOSECONDS, cause);
    }
    if (s.dropped || s.connection != c) {
      if (socket != null) {
        if (!c.outcomeReported) {
          reportSuccess(c); // the handshake worked; the session no longer needs it
        }
        socket.abort();
      }
      return;
    }
    if (cause != null) {
      onConnectFailed(s, c, cause);
      return;
    }
    c.socket = socket;
    c.open = true;
    liveSockets.incrementAndGet();
    long now = now();
    c.openedNanos = now;
    c.lastReceivedNanos = now;
    c.lastSentNanos = now;
    s.permanentLogged = false;
    if (s.mode == Session.Mode.CONNECTING) {
      try (SessionMdc mdc = SessionMdc.of(s.id, c.sttSession)) {
        log.info("Live connection open at sample {}", c.startSamples);
      }
      if (!s.readySent) {
        s.readySent = true;
        publishStatus(s, "ready", c.sttSession, Map.of(), c.startSamples, null);
      }
      if (s.coldTakeover) {
        s.coldTakeover = false;
        sendDegraded(s, LiveResumed.newBuilder().setSessionId(s.id).setUserId(s.userId)
            .setResumeOffsetSamples(c.startSamples).setSampleRate(s.sampleRate).setLiveSttSession(c.sttSession)
            .setColdTakeover(true).build(), null);
      }
      s.mode = Session.Mode.LIVE;
      sendPendingLive(s);
      if (s.ended != null) {
        beginClose(s);
      }
    } else if (s.mode == Session.Mode.RECOVERING) {
      long resumeAt = s.lastChunkEnd;
      long overlapSamples = overlapSamples(s);
      long start = resumeAt;
      List<Session.Chunk> preroll = new ArrayList<>();
      for (Session.Chunk o : s.overlap) {
        if (o.end > resumeAt - overlapSamples && o.end <= resumeAt) {
          preroll.add(o);
        }
      }
      // the preroll must be contiguous with the switch point
      while (!preroll.isEmpty() && !contiguous(preroll, resumeAt)) {
        preroll.remove(0);
      }
      if (!preroll.isEmpty()) {
        start = preroll.get(0).start;
      }
      c.startSamples = start;
      c.cursor = start;
      c.ackedCursor = start;
      for (Session.Chunk o : preroll) {
        socket.sendAudio(bytes(o.record));
        c.sentEnd = o.end;
        framesSent.increment();
      }
      try (SessionMdc mdc = SessionMdc.of(s.id, c.sttSession)) {
        log.info("Recovery connection open: overlap from sample {}, switch at {}", start, resumeAt);
      }
      s.mode = Session.Mode.RESUMING;
      if (!s.readySent) {
        s.readySent = true;
        publishStatus(s, "ready", c.sttSession, Map.of(), start, null);
      }
      tryCompleteResume(s);
    } else {
      // the session moved on (e.g. degraded by a breaker transition) while the handshake was in flight
      s.connection = null;
      closeSocket(c);
    }
  }

  private void reportSuccess(Connection c) {
    c.outcomeReported = true;
    breaker.onSuccess(now() - c.attemptNanos, TimeUnit.NANOSECONDS);
  }

  private static boolean contiguous(List<Session.Chunk> chunks, long end) {
    for (int i = 0; i < chunks.size(); i++) {
      long next = i + 1 < chunks.size() ? chunks.get(i + 1).start : end;
      if (chunks.get(i).end != next) {
        return false;
      }
    }
    return true;
  }

  private long overlapSamples(Session s) {
    return s.sampleRate * props.recoveryOverlap().toMillis() / 1000;
  }

  private void onConnectFailed(Session s, Connection c, Throwable cause) {
    s.connection = null;
    DeepgramFailure failure = DeepgramFailure.of(cause);
    s.failures++;
    String reason = cause instanceof DeepgramException dg && dg.status() > 0 ? "handshake_" + dg.status()
        : "connect_" + cause.getClass().getSimpleName();
    try (SessionMdc mdc = SessionMdc.of(s.id, c.sttSession)) {
      if (failure == DeepgramFailure.PERMANENT) {
        if (!s.permanentLogged) {
          s.permanentLogged = true;
          log.error("Deepgram refused the live connection permanently ({}): check key, plan and parameters; "
              + "not retrying live before {}", cause.getMessage(), props.breaker().waitDurationInOpenState());
        }
      } else {
        log.info("Live connection failed: {}", cause.toString());
      }
    }
    if (s.mode == Session.Mode.CONNECTING) {
      goDegraded(s, reason, failure);
    } else if (s.mode == Session.Mode.RECOVERING) {
      s.mode = Session.Mode.DEGRADED;
      scheduleRecovery(s, failure);
    }
  }

  private void sendPendingLive(Session s) {
    for (Session.Chunk chunk : s.chunks) {
      if (!chunk.done() && chunk.state == Session.ChunkState.PENDING) {
        sendLive(s, chunk);
      }
    }
  }

  private void sendLive(Session s, Session.Chunk chunk) {
    Connection c = s.connection;
    c.socket.sendAudio(bytes(chunk.record));
    chunk.state = Session.ChunkState.LIVE;
    chunk.connection = c;
    long now = now();
    chunk.sentNanos = now;
    c.lastSentNanos = now;
    c.sentEnd = chunk.end;
    framesSent.increment();
  }

  /**
   * The chunk's audio without a copy: a view of the decoded record's own array (nothing writes to it; the record
   * is kept unchanged for a possible reroute), with its own position for the socket to consume.
   */
  private static ByteBuffer bytes(AudioChunk record) {
    return record.getPcm().asReadOnlyBuffer();
  }

  private void beginClose(Session s) {
    Connection c = s.connection;
    s.mode = Session.Mode.CLOSING;
    c.socket.finalizeStream();
    c.socket.closeStream();
    c.closeStreamSent = true;
    c.closeDeadlineNanos = now() + props.closeTimeout().toNanos();
    try (SessionMdc mdc = SessionMdc.of(s.id, c.sttSession)) {
      log.info(s.ended != null ? "Session ended: CloseStream sent" : "Session idle: CloseStream sent");
    }
  }

  /** Socket events, handed to the engine thread. */
  private final class SocketEvents implements LiveListener {
    private final Session s;
    private final Connection c;

    SocketEvents(Session s, Connection c) {
      this.s = s;
      this.c = c;
    }

    @Override
    public void onFinal(FinalResult result) {
      post(() -> handleFinal(s, c, result));
    }

    @Override
    public void onMessage() {
      long now = now();
      post(() -> c.lastReceivedNanos = Math.max(c.lastReceivedNanos, now));
    }

    @Override
    public void onClose(int code, String reason) {
      post(() -> handleClose(s, c, code, reason));
    }

    @Override
    public void onError(Throwable error) {
      post(() -> handleDeath(s, c, "socket_error", error.toString()));
    }
  }

  private boolean current(Session s, Connection c) {
    return !s.dropped && s.connection == c;
  }

  private void handleFinal(Session s, Connection c, FinalResult result) {
    if (!current(s, c)) {
      return;
    }
    c.lastReceivedNanos = now();
    if (!c.outcomeReported) {
      reportSuccess(c);
      s.failures = 0;
    }
    long to = Segments.toSessionSamples(c.startSamples, result.cursor(), s.sampleRate);
    long from = c.cursor;
    if (to < from) {
      to = from;
    }
    c.cursor = to;
    List<Segment> segments = Segments.build(result, c.startSamples, s.sampleRate);
    Connection.CursorAck ack = new Connection.CursorAck(to);
    c.acks.addLast(ack);
    if (segments.isEmpty()) {
      ack.acked = true;
      advanceCovered(s, c);
      return;
    }
    SegmentsProduced produced = SegmentsProduced.newBuilder().setSessionId(s.id).setUserId(s.userId)
        .setSttSession(c.sttSession).setMode("live").setSeq(c.nextSeq++).setCoveredFromSamples(from)
        .setCoveredToSamples(to).setSampleRate(s.sampleRate).setSegments(segments)
        .setProducedAtMs(clock.millis()).build();
    eventsProducer.send(new ProducerRecord<>(topics.transcriptEvents().name(), s.id, produced),
        (md, error) -> post(() -> {
          if (error != null) {
            log.error("Cannot publish SegmentsProduced for session {}: {}", s.id, error.toString());
            return;
          }
          ack.acked = true;
          if (!s.dropped) {
            advanceCovered(s, c);
          }
        }));
  }

  private void advanceCovered(Session s, Connection c) {
    while (!c.acks.isEmpty() && c.acks.peekFirst().acked) {
      c.ackedCursor = Math.max(c.ackedCursor, c.acks.pollFirst().cursor);
    }
    for (Session.Chunk chunk : s.chunks) {
      if (chunk.done()) {
        continue;
      }
      if (chunk.state != Session.ChunkState.LIVE || chunk.connection != c) {
        break;
      }
      if (chunk.end > c.ackedCursor) {
        break;
      }
      chunk.tracked.markDone();
    }
    release(s, s.prune());
    if (c.closedNormally) {
      maybeCompleteLive(s, c);
    }
  }

  private void release(Session s, long bytes) {
    s.retainedBytes -= bytes;
    bufferedBytes -= bytes;
  }

  private void handleClose(Session s, Connection c, int code, String reason) {
    if (!current(s, c)) {
      return;
    }
    if (c.open) {
      c.open = false;
      liveSockets.decrementAndGet();
    }
    if (c.closeStreamSent && code == 1000) {
      if (!c.outcomeReported) {
        reportSuccess(c);
      }
      c.closedNormally = true;
      maybeCompleteLive(s, c);
    } else {
      handleDeath(s, c, "socket_closed_" + code, reason);
    }
  }

  private void maybeCompleteLive(Session s, Connection c) {
    if (!c.acks.isEmpty() || s.endHandled) {
      return;
    }
    // The server closed normally after CloseStream: every sample sent was transcribed and its finals are
    // acknowledged, so the whole session is covered.
    for (Session.Chunk chunk : s.chunks) {
      if (chunk.state == Session.ChunkState.LIVE && chunk.connection == c) {
        chunk.tracked.markDone();
      }
    }
    release(s, s.prune());
    if (s.ended == null) {
      // an idle close (no SessionEnded): drop the session, or reopen for audio that arrived meanwhile
      s.connection = null;
      Session.Chunk pending = s.firstPending();
      if (pending != null) {
        startInitial(s, pending.start);
      } else {
        try (SessionMdc mdc = SessionMdc.of(s.id, c.sttSession)) {
          log.info("Idle session closed and dropped");
        }
        finishSession(s);
      }
      return;
    }
    s.endHandled = true;
    try (SessionMdc mdc = SessionMdc.of(s.id, c.sttSession)) {
      log.info("Live stream closed normally");
    }
    publishStatus(s, "live_finished", c.sttSession, Map.of(), s.ended.getEndOffsetSamples(),
        () -> finishSession(s));
  }

  private void handleDeath(Session s, Connection c, String reason, String detail) {
    if (!current(s, c)) {
      return;
    }
    socketDeaths.increment();
    // a death before the socket proved itself fails the attempt; a later one is reported explicitly
    c.outcomeReported = true;
    breaker.onError(now() - c.attemptNanos, TimeUnit.NANOSECONDS,
        DeepgramException.socketDied(reason + ": " + detail));
    s.failures++;
    try (SessionMdc mdc = SessionMdc.of(s.id, c.sttSession)) {
      log.info("Live socket dead: {} ({})", reason, detail);
    }
    goDegraded(s, reason, DeepgramFailure.TRANSIENT);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Degraded mode

  private void goDegraded(Session s, String reason, DeepgramFailure failure) {
    Connection c = s.connection;
    s.connection = null;
    if (c != null) {
      closeSocket(c);
    }
    if (!s.episodeOpen || s.resumeSent) {
      s.episodeOpen = true;
      s.episodeRerouted = false;
      s.degradedAnnounced = false;
      s.degradedAcked = false;
      s.resumeSent = false;
      s.degradedFromSamples = -1;
      s.degradedReason = reason;
    }
    s.mode = Session.Mode.DEGRADED;
    try (SessionMdc mdc = SessionMdc.of(s.id)) {
      log.info("Session degraded: {}", reason);
    }
    for (Session.Chunk chunk : s.chunks) {
      if (!chunk.done() && chunk.state != Session.ChunkState.REROUTING) {
        reroute(s, chunk);
      }
    }
    if (s.ended != null) {
      finishDegraded(s);
    } else {
      scheduleRecovery(s, failure);
    }
  }

  private void reroute(Session s, Session.Chunk chunk) {
    chunk.state = Session.ChunkState.REROUTING;
    s.episodeRerouted = true;
    if (s.degradedFromSamples < 0) {
      s.degradedFromSamples = chunk.start;
    }
    s.overlap.addLast(chunk);
    s.retainedBytes += chunk.bytes;
    bufferedBytes += chunk.bytes;
    release(s, s.trimOverlap(overlapSamples(s) + s.sampleRate)); // keep a little more than the overlap
    reroutes.increment();
    sendDegraded(s, chunk.record, () -> {
      chunk.tracked.markDone();
      release(s, s.prune());
      if (s.episodeOpen && !s.degradedAnnounced) {
        announceDegraded(s);
      }
    });
  }

  private void announceDegraded(Session s) {
    s.degradedAnnounced = true;
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("batch_mode", "true");
    metadata.put("batch_interval_seconds", Long.toString(props.batchInterval().toSeconds()));
    metadata.put("reason", s.degradedReason == null ? "unknown" : s.degradedReason);
    boolean resumed = s.resumeSent;
    publishStatus(s, "stt_degraded", null, metadata, s.degradedFromSamples, () -> {
      if (!resumed) {
        s.degradedAcked = true;
        tryCompleteResume(s);
      }
      if (s.endForwardPending) {
        forwardEnd(s);
      }
    });
  }

  private void finishDegraded(Session s) {
    if (s.endHandled) {
      return;
    }
    s.endHandled = true;
    s.recoverAtNanos = -1;
    if (s.episodeRerouted || !s.allDone()) {
      if (s.episodeRerouted && !s.degradedAcked && !s.resumeSent) {
        s.endForwardPending = true; // after stt_degraded, so batch_finished cannot overtake it
      } else {
        forwardEnd(s);
      }
    } else {
      publishStatus(s, "live_finished", null, Map.of(), s.ended.getEndOffsetSamples(), () -> finishSession(s));
    }
  }

  private void forwardEnd(Session s) {
    s.endForwardPending = false;
    try (SessionMdc mdc = SessionMdc.of(s.id)) {
      log.info("Session ended while degraded: forwarding SessionEnded");
    }
    sendDegraded(s, s.ended, () -> finishSession(s));
  }

  private void scheduleRecovery(Session s, DeepgramFailure failure) {
    long delay;
    if (failure == DeepgramFailure.PERMANENT) {
      delay = props.breaker().waitDurationInOpenState().toNanos();
    } else {
      long base = props.reconnectDelay().toNanos();
      int shift = Math.min(Math.max(0, s.failures - 1), 16);
      delay = Math.min(base << shift, props.breaker().waitDurationInOpenState().toNanos());
    }
    delay += jitter(delay / 4);
    s.recoverAtNanos = now() + delay;
  }

  private static long jitter(long bound) {
    return bound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(bound);
  }

  private void attemptRecovery(Session s) {
    s.recoverAtNanos = -1;
    if (!breaker.tryAcquirePermission()) {
      s.recoverAtNanos = now() + Math.max(TimeUnit.MILLISECONDS.toNanos(200),
          jitter(props.recoverySpread().toNanos()));
      return;
    }
    reconnects.increment();
    s.mode = Session.Mode.RECOVERING;
    connect(s, new Connection(UlidCreator.getMonotonicUlid().toString(), true, now()));
  }

  /** Finishes a recovery once the degraded status is acknowledged and the switch chunk (or the end) is known. */
  private void tryCompleteResume(Session s) {
    if (s.mode != Session.Mode.RESUMING || s.resumeSent) {
      return;
    }
    if (s.episodeRerouted && !s.degradedAcked) {
      return;
    }
    Session.Chunk first = s.firstPending();
    if (first == null && s.ended == null) {
      return;
    }
    long resumeAt = first != null ? first.start : s.ended.getEndOffsetSamples();
    Connection c = s.connection;
    if (!s.episodeRerouted) {
      goLiveAfterResume(s, c);
      return;
    }
    s.resumeSent = true;
    sendDegraded(s, LiveResumed.newBuilder().setSessionId(s.id).setUserId(s.userId)
        .setResumeOffsetSamples(resumeAt).setSampleRate(s.sampleRate).setLiveSttSession(c.sttSession)
        .setColdTakeover(false).build(), () -> {
          if (current(s, c) && s.mode == Session.Mode.RESUMING) {
            goLiveAfterResume(s, c);
          }
        });
  }

  private void goLiveAfterResume(Session s, Connection c) {
    s.episodeOpen = false;
    s.episodeRerouted = false;
    s.resumeSent = false;
    s.degradedAnnounced = false;
    s.degradedAcked = false;
    s.degradedFromSamples = -1;
    release(s, s.overlap.stream().mapToLong(o -> o.bytes).sum());
    s.overlap.clear();
    s.mode = Session.Mode.LIVE;
    try (SessionMdc mdc = SessionMdc.of(s.id, c.sttSession)) {
      log.info("Session live again");
    }
    sendPendingLive(s);
    if (s.ended != null) {
      beginClose(s);
    }
  }

  private void onBreakerTransition(CircuitBreaker.StateTransition transition) {
    log.info("Breaker {}: {}", breaker.getName(), transition);
    CircuitBreaker.State to = transition.getToState();
    long now = now();
    if (to == CircuitBreaker.State.OPEN || to == CircuitBreaker.State.FORCED_OPEN) {
      for (Session s : new ArrayList<>(sessions.values())) {
        if (s.mode == Session.Mode.CONNECTING) {
          goDegraded(s, "breaker_open", DeepgramFailure.TRANSIENT);
        }
      }
    } else if (to == CircuitBreaker.State.CLOSED || to == CircuitBreaker.State.HALF_OPEN) {
      for (Session s : sessions.values()) {
        if (s.mode == Session.Mode.DEGRADED && s.ended == null) {
          s.recoverAtNanos = now + jitter(props.recoverySpread().toNanos());
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Timers

  private void tick(long now) {
    int degraded = 0;
    int live = 0;
    for (Session s : new ArrayList<>(sessions.values())) {
      if (s.degradedNow()) {
        degraded++;
      }
      Connection c = s.connection;
      if (c != null && c.open && (s.mode == Session.Mode.LIVE || s.mode == Session.Mode.RESUMING
          || s.mode == Session.Mode.CLOSING)) {
        live++;
        checkSocket(s, c, now);
      }
      if (s.mode == Session.Mode.DEGRADED && s.recoverAtNanos > 0 && now >= s.recoverAtNanos && s.ended == null) {
        attemptRecovery(s);
      }
      if (s.ended == null && now - s.lastAudioNanos >= props.sessionIdleTimeout().toNanos()) {
        expireIdle(s);
      }
    }
    degradedSessions.set(degraded);
    activeSessions.set(sessions.size());
  }

  /** A session whose gateway went quiet without SessionEnded: release its socket and memory. */
  private void expireIdle(Session s) {
    switch (s.mode) {
      case LIVE -> beginClose(s);
      case IDLE -> finishSession(s);
      case DEGRADED -> {
        if (s.allDone()) {
          try (SessionMdc mdc = SessionMdc.of(s.id)) {
            log.info("Idle degraded session dropped");
          }
          finishSession(s);
        }
      }
      default -> { } // connecting, resuming or closing: wait for that to settle
    }
  }

  private void checkSocket(Session s, Connection c, long now) {
    if (s.mode == Session.Mode.CLOSING) {
      if (now >= c.closeDeadlineNanos) {
        handleDeath(s, c, "close_timeout", "no close within " + props.closeTimeout());
      }
      return;
    }
    if (!c.outcomeReported && now - c.openedNanos >= props.stallTimeout().toNanos()) {
      reportSuccess(c); // alive and not stalled for a stall-timeout: the attempt succeeded
      s.failures = 0;
    }
    if (now - c.lastSentNanos >= props.keepaliveInterval().toNanos()) {
      c.socket.keepAlive();
      c.lastSentNanos = now;
    }
    Session.Chunk oldest = null;
    for (Session.Chunk chunk : s.chunks) {
      if (!chunk.done() && chunk.state == Session.ChunkState.LIVE && chunk.connection == c && chunk.end > c.cursor) {
        oldest = chunk;
        break;
      }
    }
    if (oldest == null) {
      return;
    }
    long age = now - oldest.sentNanos;
    long unfinalized = c.sentEnd - c.cursor;
    boolean tooLong = unfinalized > s.sampleRate * props.maxUnfinalized().toMillis() / 1000;
    if ((age >= props.finalizeAfter().toNanos() || tooLong)
        && now - c.lastFinalizeNanos >= props.finalizeAfter().toNanos()) {
      c.socket.finalizeStream();
      c.lastFinalizeNanos = now;
    }
    long stall = props.stallTimeout().toNanos();
    if (age >= stall && now - c.lastReceivedNanos >= stall) {
      handleDeath(s, c, "stalled", "nothing received for " + props.stallTimeout() + " with audio unfinalised");
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Publishing

  private void sendDegraded(Session s, SpecificRecord value, Runnable onAck) {
    degradedProducer.send(new ProducerRecord<>(topics.audioDegraded().name(), s.id, value),
        (md, error) -> post(() -> {
          if (error != null) {
            log.error("Cannot publish {} to {} for session {}: {}", value.getClass().getSimpleName(),
                topics.audioDegraded().name(), s.id, error.toString());
            return;
          }
          if (onAck != null && !s.dropped) {
            onAck.run();
          }
        }));
  }

  private void publishStatus(Session s, String status, String sttSession, Map<String, String> metadata,
      long atOffset, Runnable onAck) {
    StatusChanged value = StatusChanged.newBuilder().setSessionId(s.id).setUserId(s.userId).setStatus(status)
        .setStatusText(statusText(status)).setMetadata(new HashMap<>(metadata)).setSttSession(sttSession)
        .setAtOffsetSamples(atOffset).setSampleRate(s.sampleRate > 0 ? s.sampleRate : null)
        .setOccurredAtMs(clock.millis()).build();
    try (SessionMdc mdc = SessionMdc.of(s.id, sttSession)) {
      log.info("Status {}{}", status, metadata.isEmpty() ? "" : " " + metadata);
    }
    eventsProducer.send(new ProducerRecord<>(topics.transcriptEvents().name(), s.id, value),
        (md, error) -> post(() -> {
          if (error != null) {
            log.error("Cannot publish status {} for session {}: {}", status, s.id, error.toString());
            return;
          }
          if (onAck != null && !s.dropped) {
            onAck.run();
          }
        }));
  }

  private static String statusText(String status) {
    return switch (status) {
      case "ready" -> "Live transcription ready";
      case "stt_degraded" -> "Live transcription unavailable; transcribing in batches";
      case "live_finished" -> "Live transcription finished";
      default -> null;
    };
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof java.util.concurrent.CompletionException
        || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }
}
