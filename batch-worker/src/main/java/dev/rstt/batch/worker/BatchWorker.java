package dev.rstt.batch.worker;

import com.github.f4b6a3.ulid.UlidCreator;
import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.LiveResumed;
import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.StatusChanged;
import dev.rstt.batch.BatchProperties;
import dev.rstt.batch.chunking.AudioBuffer;
import dev.rstt.batch.chunking.CutPolicy;
import dev.rstt.batch.deepgram.ChunkRequest;
import dev.rstt.batch.deepgram.ResilientTranscriber;
import dev.rstt.batch.deepgram.Transcript;
import dev.rstt.batch.deepgram.Transcriber;
import dev.rstt.common.concurrent.AsyncFailures;
import dev.rstt.common.deepgram.DeepgramFailure;
import dev.rstt.common.kafka.DeadLetters;
import dev.rstt.common.logging.SessionMdc;
import dev.rstt.schemas.Statuses;
import dev.rstt.schemas.Topic;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The batch worker's poll loop. One thread owns the consumer and all state; HTTP and Kafka completions come
 * back to it as tasks, so no state is shared across threads and the poll thread never blocks on a chunk.
 *
 * <p>Commit rule (docs/CONTRACT.md section 5): a record of {@code audio.degraded} is done when all its
 * samples lie in batch chunks whose {@code SegmentsProduced} (or {@code chunk_lost}) Kafka acknowledged, or
 * (LiveResumed, SessionEnded) when the status it causes is acknowledged; the committed offset of a partition
 * is its lowest record not done.
 */
public final class BatchWorker implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(BatchWorker.class);

  private final BatchProperties props;
  private final Topic<String, SpecificRecord> input;
  private final String outputTopic;
  private final Map<String, Object> consumerProps;
  private final KafkaTemplate<String, SpecificRecord> events;
  private final KafkaTemplate<Object, Object> deadLetters;
  private final Transcriber transcriber;
  private final CircuitBreaker breaker;
  private final CutPolicy policy;
  private final IntervalFunction backlogBackoff;
  private final Clock clock;
  private final MeterRegistry meters;
  private final BatchMetrics metrics;

  private final ConcurrentLinkedQueue<Runnable> completions = new ConcurrentLinkedQueue<>();
  private final Map<TopicPartition, PartitionLedger> ledgers = new HashMap<>();
  private final Map<String, SessionState> sessions = new HashMap<>();
  private final Backlog backlog = new Backlog();
  private final Set<BatchChunk> unfinished = new LinkedHashSet<>();
  private final Deserializer<SpecificRecord> valueDeserializer;
  private Consumer<String, byte[]> consumer;
  private long backlogCounter;
  private int inFlight;
  private boolean memoryPaused;
  private boolean failing;
  private long lastPauseLogMs = Long.MIN_VALUE / 2;
  private static final long PAUSE_LOG_INTERVAL_MS = 30_000;

  private volatile boolean running;
  private Thread thread;

  public BatchWorker(BatchProperties props, Topic<String, SpecificRecord> input, String outputTopic,
      Map<String, Object> consumerProps, KafkaTemplate<String, SpecificRecord> events,
      KafkaTemplate<Object, Object> deadLetters, ResilientTranscriber transcriber, Clock clock, MeterRegistry meters) {
    this.props = props;
    this.input = input;
    this.outputTopic = outputTopic;
    this.consumerProps = consumerProps;
    this.events = events;
    this.deadLetters = deadLetters;
    this.transcriber = transcriber;
    this.breaker = transcriber.breaker();
    this.clock = clock;
    this.meters = meters;
    this.metrics = new BatchMetrics(meters);
    this.valueDeserializer = input.valueSerde().deserializer();
    this.policy = new CutPolicy(props.minChunk(), props.maxChunk(), props.vadWindow(), props.minSilence(),
        props.silenceRms(), props.quietSearch());
    this.backlogBackoff = ResilientTranscriber.backoff(props.retry());
    breaker.getEventPublisher().onStateTransition(e -> {
      CircuitBreaker.State to = e.getStateTransition().getToState();
      CircuitBreaker.State from = e.getStateTransition().getFromState();
      if (from == CircuitBreaker.State.CLOSED && to == CircuitBreaker.State.OPEN) {
        log.warn("Circuit breaker {} opened: pre-recorded calls fail; the backlog waits, oldest first",
            e.getCircuitBreakerName());
      } else if (to == CircuitBreaker.State.CLOSED) {
        log.info("Circuit breaker {} closed: pre-recorded calls pass again", e.getCircuitBreakerName());
      } else {
        log.debug("Circuit breaker {}: {}", e.getCircuitBreakerName(), e.getStateTransition()); // probes
      }
    });
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    thread = new Thread(this::run, "batch-worker-poll");
    thread.start();
  }

  @Override
  public synchronized void stop() {
    running = false;
    if (consumer != null) {
      consumer.wakeup();
    }
    if (thread != null) {
      try {
        thread.join(15_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private void run() {
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      consumer = c;
      c.subscribe(List.of(input.name()), new Rebalance());
      log.info("Batch worker consuming {} as group {}", input.name(), props.groupId());
      while (running) {
        try {
          ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(50));
          for (TopicPartition tp : records.partitions()) {
            handlePartition(tp, records.records(tp));
          }
          drainCompletions();
          tick();
        } catch (WakeupException e) {
          if (running) {
            log.debug("Woken up while running");
          }
        }
      }
      drainCompletions();
      commitSync(new ArrayList<>(ledgers.keySet()));
    } catch (RuntimeException e) {
      log.error("Batch worker poll loop failed", e);
      running = false;
    } finally {
      log.info("Batch worker stopped");
    }
  }

  // ---------------------------------------------------------------- input

  private void handlePartition(TopicPartition tp, List<ConsumerRecord<String, byte[]>> records) {
    PartitionLedger ledger = ledgers.get(tp);
    if (ledger == null) {
      return; // revoked in this very poll
    }
    long cap = props.maxBuffered().toBytes();
    for (ConsumerRecord<String, byte[]> record : records) {
      if (record.value() == null) {
        ledger.handled(record.offset());
        continue;
      }
      SpecificRecord value;
      try {
        value = valueDeserializer.deserialize(record.topic(), record.value());
      } catch (RuntimeException e) {
        deadLetter(ledger, record, e);
        continue;
      }
      if (value instanceof AudioChunk audio) {
        long bytes = audio.getPcm().remaining();
        if (metrics.bufferedBytes.get() > 0 && metrics.bufferedBytes.get() + bytes > cap) {
          // At the memory cap: leave this record and the rest of the partition in Kafka.
          consumer.seek(tp, record.offset());
          pauseForMemory();
          return;
        }
        onAudio(ledger, record.offset(), audio);
      } else if (value instanceof LiveResumed resumed) {
        onLiveResumed(ledger, record.offset(), resumed);
      } else if (value instanceof SessionEnded ended) {
        onSessionEnded(ledger, record.offset(), ended);
      } else {
        deadLetter(ledger, record, new IllegalArgumentException("Unexpected record " + value.getClass().getName()));
      }
    }
  }

  private void deadLetter(PartitionLedger ledger, ConsumerRecord<String, byte[]> record, Exception e) {
    DeadLetters.report(meters, record.topic(), record.partition(), record.offset(), e);
    RecordRef ref = ledger.track(record.offset(), now());
    ref.hold();
    ref.seal();
    sendOrFail(() -> deadLetters.send(DeadLetters.record(record, e)))
        .whenComplete((r, ex) -> completions.add(() -> {
          if (ex != null) {
            log.warn("Dead letter for {}-{}@{} not written: {}", record.topic(), record.partition(), record.offset(),
                ex.toString());
          }
          ref.release(); // never a crash loop: at worst the bad record is re-read after a restart
        }));
  }

  private SessionState session(PartitionLedger ledger, String sessionId) {
    SessionState s = sessions.get(sessionId);
    if (s == null || s.ledger != ledger) {
      s = new SessionState(sessionId, ledger);
      sessions.put(sessionId, s);
    }
    s.lastActivityMs = now();
    return s;
  }

  private void onAudio(PartitionLedger ledger, long offset, AudioChunk audio) {
    try (SessionMdc mdc = SessionMdc.of(audio.getSessionId())) {
      SessionState s = session(ledger, audio.getSessionId());
      int channels = Math.max(1, audio.getChannels());
      if (s.hasBufferedAudio() && (s.sampleRate != audio.getSampleRate() || s.channels != channels)) {
        flush(s);
        s.buffer = null;
      }
      s.userId = audio.getUserId();
      s.language = audio.getLanguage();
      s.sampleRate = audio.getSampleRate();
      s.channels = channels;
      byte[] pcm = new byte[audio.getPcm().remaining()];
      audio.getPcm().duplicate().get(pcm);
      long frames = pcm.length / (2L * channels);
      long from = audio.getOffsetSamples();
      long to = from + frames;
      if (frames == 0 || (s.nextSample >= 0 && to <= s.nextSample)) {
        if (frames > 0) {
          metrics.duplicate();
          log.debug("Ignoring redelivered audio seq {} [{}, {})", audio.getSeq(), from, to);
        }
        ledger.handled(offset);
        return;
      }
      int skipBytes = 0;
      if (s.nextSample >= 0 && from < s.nextSample) {
        skipBytes = (int) ((s.nextSample - from) * 2 * channels);
        from = s.nextSample;
      }
      if (s.hasBufferedAudio() && from != s.buffer.endSample()) {
        log.info("Gap in degraded audio at sample {} (buffer ends at {}): cutting there", from, s.buffer.endSample());
        flush(s, "gap");
      }
      if (s.buffer == null) {
        s.buffer = new AudioBuffer<>(s.sampleRate, channels, from);
      }
      if (s.episodeStartSample < 0) {
        s.episodeStartSample = from;
        log.info("Degraded audio from sample {} ({} s)", from, String.format("%.3f", (double) from / s.sampleRate));
      }
      RecordRef ref = ledger.track(offset, now());
      s.buffer.append(from, pcm, skipBytes, ref);
      metrics.bufferedBytes.addAndGet(pcm.length - skipBytes);
      s.nextSample = to;
      s.lastAudioAtMs = now();
      s.idleCuts = 0;
      while (true) {
        long cut = policy.cutPoint(s.buffer.data(), s.buffer.frames(), s.sampleRate, channels);
        if (cut == CutPolicy.NONE) {
          break;
        }
        makeChunk(s, s.buffer.cut(cut), "cut");
      }
    }
  }

  private void onLiveResumed(PartitionLedger ledger, long offset, LiveResumed resumed) {
    try (SessionMdc mdc = SessionMdc.of(resumed.getSessionId())) {
      SessionState s = session(ledger, resumed.getSessionId());
      if (s.userId == null) {
        s.userId = resumed.getUserId();
      }
      RecordRef ref = ledger.track(offset, now());
      flush(s);
      int rate = resumed.getSampleRate() > 0 ? resumed.getSampleRate() : s.sampleRate;
      double duration = s.episodeStartSample >= 0 && rate > 0
          ? Math.max(0, resumed.getResumeOffsetSamples() - s.episodeStartSample) / (double) rate : 0.0;
      s.episodeStartSample = -1;
      log.info("Live resumed at sample {}{}: stt_recovered after {} chunk(s)", resumed.getResumeOffsetSamples(),
          resumed.getColdTakeover() ? " (cold take-over)" : "", s.outstandingChunks.size());
      enqueueStatus(s, Statuses.STT_RECOVERED, ref, duration, resumed.getResumeOffsetSamples(), rate);
    }
  }

  private void onSessionEnded(PartitionLedger ledger, long offset, SessionEnded ended) {
    try (SessionMdc mdc = SessionMdc.of(ended.getSessionId())) {
      SessionState s = session(ledger, ended.getSessionId());
      if (s.userId == null) {
        s.userId = ended.getUserId();
      }
      RecordRef ref = ledger.track(offset, now());
      flush(s);
      s.ended = true;
      s.episodeStartSample = -1;
      log.info("Session ended ({}): batch_finished after {} chunk(s)", ended.getReason(), s.outstandingChunks.size());
      int rate = ended.getSampleRate() > 0 ? ended.getSampleRate() : s.sampleRate;
      enqueueStatus(s, Statuses.BATCH_FINISHED, ref, null, ended.getEndOffsetSamples(), rate);
    }
  }

  // ---------------------------------------------------------------- chunks

  private void flush(SessionState s) {
    flush(s, "flush");
  }

  private void flush(SessionState s, String why) {
    if (s.hasBufferedAudio()) {
      makeChunk(s, s.buffer.cutAll(), why);
    }
  }

  private void makeChunk(SessionState s, AudioBuffer.Cut<RecordRef> cut, String why) {
    long oldest = Long.MAX_VALUE;
    for (RecordRef ref : cut.refs()) {
      ref.hold();
      oldest = Math.min(oldest, ref.receivedAtMs());
    }
    for (RecordRef ref : cut.completed()) {
      ref.seal();
    }
    long frames = cut.endSample() - cut.startSample();
    boolean silent = policy.isSilent(cut.pcm(), frames, s.sampleRate, s.channels);
    BatchChunk chunk = new BatchChunk(s, s.nextChunkSeq++, backlogCounter++, UlidCreator.getMonotonicUlid().toString(),
        cut.startSample(), cut.endSample(), cut.pcm(), cut.refs(), oldest == Long.MAX_VALUE ? now() : oldest, silent);
    s.outstandingChunks.add(chunk.sessionChunkSeq);
    unfinished.add(chunk);
    backlog.add(chunk);
    metrics.cut(why);
    log.debug("{} {} ({}{})", why, chunk, frames, silent ? ", silent" : "");
  }

  private void dispatch() {
    // While the breaker is not closed only the oldest chunk probes Deepgram.
    int limit = breaker.getState() == CircuitBreaker.State.CLOSED ? props.concurrency() : 1;
    for (BatchChunk chunk : backlog.takeDue(now(), inFlight, limit)) {
      start(chunk);
    }
  }

  private void start(BatchChunk chunk) {
    chunk.inFlight = true;
    inFlight++;
    if (chunk.silent) {
      completions.add(() -> onTranscribed(chunk, Transcript.empty(), null, 0));
      return;
    }
    long t0 = System.nanoTime();
    SessionState s = chunk.session;
    try {
      transcriber.transcribe(new ChunkRequest(chunk.pcm, s.sampleRate, s.channels, s.language))
          .whenComplete((t, ex) -> completions.add(() -> onTranscribed(chunk, t, ex, System.nanoTime() - t0)));
    } catch (RuntimeException e) {
      completions.add(() -> onTranscribed(chunk, null, e, System.nanoTime() - t0));
    }
  }

  private void onTranscribed(BatchChunk chunk, Transcript transcript, Throwable failure, long nanos) {
    inFlight--;
    chunk.inFlight = false;
    if (chunk.orphaned) {
      return;
    }
    SessionState s = chunk.session;
    try (SessionMdc mdc = SessionMdc.of(s.sessionId, chunk.sttSession)) {
      if (failure == null) {
        if (!chunk.silent) {
          metrics.latency(Duration.ofNanos(nanos));
        }
        if (failing && !chunk.silent) {
          failing = false;
          log.info("{} transcribed after {} failed round(s): pre-recorded calls pass again", chunk,
              chunk.failedRounds);
        }
        SegmentsProduced result = SegmentsBuilder.build(s.sessionId, s.userId, chunk.sttSession, chunk.startSample,
            chunk.endSample, s.sampleRate, transcript, clock.millis());
        publish(chunk, result, chunk.silent ? "silent" : "transcribed");
      } else if (DeepgramFailure.of(failure) == DeepgramFailure.PERMANENT) {
        Throwable cause = AsyncFailures.unwrap(failure);
        log.error("Chunk lost: {} of session {} [{} s, {} s): permanent Deepgram error: {}", chunk.sttSession,
            s.sessionId, String.format("%.3f", chunk.fromSeconds()), String.format("%.3f", chunk.toSeconds()),
            cause.getMessage());
        StatusChanged lost = StatusChanged.newBuilder()
            .setSessionId(s.sessionId).setUserId(s.userId).setStatus(Statuses.CHUNK_LOST)
            .setStatusText(Statuses.text(Statuses.CHUNK_LOST))
            .setMetadata(Map.of("from_s", String.format("%.3f", chunk.fromSeconds()),
                "to_s", String.format("%.3f", chunk.toSeconds()),
                "reason", String.valueOf(cause.getMessage())))
            .setSttSession(chunk.sttSession).setAtOffsetSamples(chunk.startSample).setSampleRate(s.sampleRate)
            .setOccurredAtMs(clock.millis()).build();
        publish(chunk, lost, "lost");
      } else {
        chunk.failedRounds++;
        long delay = backlogBackoff.apply(Math.min(chunk.failedRounds, 30));
        chunk.notBeforeMs = now() + delay;
        backlog.add(chunk);
        metrics.chunk("retried");
        Throwable cause = AsyncFailures.unwrap(failure);
        if (!failing) {
          failing = true; // one line per outage, not per chunk
          log.warn("{} failed ({}: {}); back in the backlog, oldest first", chunk, cause.getClass().getSimpleName(),
              cause.getMessage());
        } else {
          log.debug("{} failed again (round {}): {}", chunk, chunk.failedRounds, cause.getMessage());
        }
      }
    }
  }

  private void publish(BatchChunk chunk, SpecificRecord value, String outcome) {
    SessionState s = chunk.session;
    sendOrFail(() -> events.send(outputTopic, s.sessionId, value)).whenComplete((r, ex) -> completions.add(() -> {
      if (chunk.orphaned) {
        return;
      }
      if (ex != null) {
        log.warn("Publishing {} failed, will transcribe it again: {}", chunk, ex.toString());
        chunk.notBeforeMs = now() + 1000;
        backlog.add(chunk);
        return;
      }
      metrics.chunk(outcome);
      finish(chunk);
    }));
  }

  /**
   * A send that fails before it starts (the producer waited {@code max.block.ms} for metadata it lost while the
   * broker was away, or for buffer space) fails its future like any other failed send, so the caller's retry path
   * handles it; thrown, it would end the poll loop and the worker would stop for good.
   */
  private static <T> CompletableFuture<T> sendOrFail(Supplier<CompletableFuture<T>> send) {
    try {
      return send.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void finish(BatchChunk chunk) {
    chunk.finished = true;
    unfinished.remove(chunk);
    metrics.bufferedBytes.addAndGet(-chunk.pcm.length);
    for (RecordRef ref : chunk.refs) {
      ref.release();
    }
    SessionState s = chunk.session;
    s.outstandingChunks.remove(chunk.sessionChunkSeq);
    publishReadyStatuses(s);
  }

  // ---------------------------------------------------------------- statuses

  private void enqueueStatus(SessionState s, String status, RecordRef ref, Double degradedDuration, long at, int rate) {
    ref.hold();
    ref.seal();
    s.statuses.addLast(new SessionState.PendingStatus(status, s.nextChunkSeq, ref, degradedDuration, at));
    if (s.sampleRate == 0) {
      s.sampleRate = rate;
    }
    publishReadyStatuses(s);
  }

  private void publishReadyStatuses(SessionState s) {
    for (SessionState.PendingStatus st : s.statuses) {
      if (st.sent) {
        continue;
      }
      if (!s.outstandingChunks.isEmpty() && s.outstandingChunks.first() < st.barrier) {
        return; // a chunk cut before this status is not acknowledged yet
      }
      st.sent = true;
      StatusChanged.Builder b = StatusChanged.newBuilder()
          .setSessionId(s.sessionId).setUserId(s.userId).setStatus(st.status)
          .setAtOffsetSamples(st.atOffsetSamples).setSampleRate(s.sampleRate > 0 ? s.sampleRate : null)
          .setOccurredAtMs(clock.millis());
      b.setStatusText(Statuses.text(st.status));
      if (Statuses.STT_RECOVERED.equals(st.status)) {
        b.setDegradedDurationS(st.degradedDurationS);
      }
      sendOrFail(() -> events.send(outputTopic, s.sessionId, b.build())).whenComplete((r, ex) -> completions.add(() -> {
        if (ex != null) {
          log.warn("Publishing {} for session {} failed, retrying: {}", st.status, s.sessionId, ex.toString());
          st.sent = false;
          return;
        }
        s.statuses.remove(st);
        st.ref.release();
        try (SessionMdc mdc = SessionMdc.of(s.sessionId)) {
          log.info("Published {}{}", st.status,
              st.degradedDurationS != null ? String.format(" (degraded %.3f s)", st.degradedDurationS) : "");
        }
        if (s.ended && s.isIdle() && sessions.get(s.sessionId) == s) {
          sessions.remove(s.sessionId);
        }
      }));
    }
  }

  // ---------------------------------------------------------------- housekeeping

  private void drainCompletions() {
    Runnable task;
    while ((task = completions.poll()) != null) {
      task.run();
    }
  }

  private void tick() {
    long now = now();
    long idle = props.idleFlush().toMillis();
    long retention = props.sessionRetention().toMillis();
    double seconds = 0;
    for (Iterator<SessionState> it = sessions.values().iterator(); it.hasNext(); ) {
      SessionState s = it.next();
      if (!memoryPaused && s.hasBufferedAudio() && now - s.lastAudioAtMs >= idle) {
        try (SessionMdc mdc = SessionMdc.of(s.sessionId)) {
          log.debug("No audio for {} ms: flushing up to the last silence", now - s.lastAudioAtMs);
          // Never cut a word in two on idle: the rest of it may only be late (the STT worker or the broker held up);
          // a tail with no silence waits for more audio, LiveResumed or SessionEnded. Only a session silent for
          // twice session-retention (one that will never end) is flushed whole.
          s.idleCuts++;
          long cut = policy.idleCutPointOrNone(s.buffer.data(), s.buffer.frames(), s.sampleRate, s.channels);
          if (cut != CutPolicy.NONE) {
            makeChunk(s, s.buffer.cut(cut), "idle");
          } else if (s.idleCuts * idle >= 2 * retention) {
            flush(s, "idle");
          }
          s.lastAudioAtMs = now;
        }
      }
      if (!s.statuses.isEmpty()) {
        publishReadyStatuses(s);
      }
      if (s.isIdle() && now - s.lastActivityMs > retention) {
        it.remove();
        continue;
      }
      if (s.hasBufferedAudio()) {
        seconds += (double) s.buffer.frames() / s.sampleRate;
      }
    }
    for (BatchChunk c : unfinished) {
      seconds += (double) (c.endSample - c.startSample) / c.session.sampleRate;
    }
    metrics.bufferedSeconds = seconds;
    manageMemory();
    dispatch();
    commitAsync();
    long oldest = Long.MAX_VALUE;
    for (PartitionLedger l : ledgers.values()) {
      long o = l.oldestPendingReceivedAtMs();
      if (o >= 0) {
        oldest = Math.min(oldest, o);
      }
    }
    metrics.backlogAgeSeconds = oldest == Long.MAX_VALUE ? 0 : (now - oldest) / 1000.0;
  }

  private void pauseForMemory() {
    if (!memoryPaused) {
      memoryPaused = true;
      metrics.paused = true;
      consumer.pause(consumer.assignment());
      metrics.pause();
      if (now() - lastPauseLogMs >= PAUSE_LOG_INTERVAL_MS) {
        lastPauseLogMs = now();
        log.info("Memory cap reached ({} bytes buffered): consumption paused", metrics.bufferedBytes.get());
      } else {
        log.debug("Memory cap reached ({} bytes buffered): consumption paused", metrics.bufferedBytes.get());
      }
    }
  }

  private void manageMemory() {
    if (!memoryPaused) {
      return;
    }
    long cap = props.maxBuffered().toBytes();
    if (metrics.bufferedBytes.get() <= cap * 3 / 4) {
      memoryPaused = false;
      metrics.paused = false;
      consumer.resume(consumer.paused());
      long now = now();
      sessions.values().forEach(s -> s.lastAudioAtMs = now); // their silence was ours, not the session's
      log.debug("Buffered audio down to {} bytes: consumption resumed", metrics.bufferedBytes.get());
      return;
    }
    if (unfinished.isEmpty()) {
      // Every buffered session waits for more audio that cannot come while paused: cut the oldest.
      SessionState oldest = null;
      for (SessionState s : sessions.values()) {
        if (s.hasBufferedAudio() && (oldest == null
            || s.buffer.firstRef().receivedAtMs() < oldest.buffer.firstRef().receivedAtMs())) {
          oldest = s;
        }
      }
      if (oldest != null) {
        try (SessionMdc mdc = SessionMdc.of(oldest.sessionId)) {
          long cut = policy.forcedCutPoint(oldest.buffer.data(), oldest.buffer.frames(), oldest.sampleRate,
              oldest.channels);
          log.info("Paused at the memory cap with every session waiting for audio: forcing a cut");
          makeChunk(oldest, oldest.buffer.cut(cut), "forced");
        }
      }
    }
  }

  private void commitAsync() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (PartitionLedger l : ledgers.values()) {
      OptionalLong o = l.commitCandidate();
      if (o.isPresent()) {
        offsets.put(l.partition(), new OffsetAndMetadata(o.getAsLong()));
        l.committed(o.getAsLong());
      }
    }
    if (!offsets.isEmpty()) {
      consumer.commitAsync(offsets, (done, ex) -> {
        if (ex != null) {
          log.debug("Async commit failed ({}); will commit again", ex.toString());
          done.keySet().forEach(tp -> {
            PartitionLedger l = ledgers.get(tp);
            if (l != null) {
              l.commitFailed();
            }
          });
        }
      });
    }
  }

  private void commitSync(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : partitions) {
      PartitionLedger l = ledgers.get(tp);
      if (l != null) {
        l.safeOffset().ifPresent(o -> offsets.put(tp, new OffsetAndMetadata(o)));
      }
    }
    if (!offsets.isEmpty()) {
      try {
        consumer.commitSync(offsets, Duration.ofSeconds(10));
      } catch (RuntimeException e) {
        log.warn("Commit of {} failed: {}", offsets.keySet(), e.toString());
      }
    }
  }

  private void drop(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      PartitionLedger ledger = ledgers.remove(tp);
      if (ledger == null) {
        continue;
      }
      ledger.revoke();
      for (Iterator<SessionState> it = sessions.values().iterator(); it.hasNext(); ) {
        SessionState s = it.next();
        if (s.ledger == ledger) {
          metrics.bufferedBytes.addAndGet(-s.bufferedBytes());
          it.remove();
        }
      }
      for (Iterator<BatchChunk> it = unfinished.iterator(); it.hasNext(); ) {
        BatchChunk c = it.next();
        if (c.session.ledger == ledger) {
          c.orphaned = true;
          backlog.remove(c);
          metrics.bufferedBytes.addAndGet(-c.pcm.length);
          it.remove();
        }
      }
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      drainCompletions();
      commitSync(partitions);
      drop(partitions);
      log.info("Partitions revoked: {}", partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      drop(partitions);
      log.info("Partitions lost: {}", partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      for (TopicPartition tp : partitions) {
        ledgers.put(tp, new PartitionLedger(tp));
      }
      if (memoryPaused) {
        consumer.pause(partitions);
      }
      log.info("Partitions assigned: {}", partitions);
    }
  }

  // ---------------------------------------------------------------- helpers

  private long now() {
    return clock.millis();
  }

  /** For tests: the configured memory cap in bytes. */
  long maxBufferedBytes() {
    return props.maxBuffered().toBytes();
  }
}
