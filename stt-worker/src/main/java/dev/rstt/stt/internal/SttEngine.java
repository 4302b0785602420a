package dev.rstt.stt.internal;

import dev.rstt.common.concurrent.Inbox;
import dev.rstt.schemas.Topics;
import dev.rstt.stt.config.SttProperties;
import dev.rstt.stt.deepgram.DeepgramLiveClient;
import dev.rstt.stt.session.IdSource;
import dev.rstt.stt.session.Jitter;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's one thread: polls audio.frames, hands records to their sessions, runs what socket, producer and
 * breaker threads posted, ticks the sessions' timers, commits, and pauses consumption while too much audio is
 * held. Every decision about a session is its {@code SessionCore}'s; this loop and its parts only do I/O.
 */
public final class SttEngine implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(SttEngine.class);

  private final SttProperties props;
  private final Topics topics;
  private final Consumer<String, byte[]> consumer;
  private final LongSupplier nanos;
  private final Inbox inbox = new Inbox();
  private final Commits commits;
  private final Sessions sessions;
  private final FramesIntake intake;
  private final Publisher publisher;
  private volatile boolean running = true;
  private final AtomicReference<Thread> thread = new AtomicReference<>();
  private boolean paused;
  private long lastTick;
  private long lastCommit;

  public SttEngine(SttProperties props, Topics topics, Consumer<String, byte[]> consumer,
      Producer<String, SpecificRecord> degradedProducer, Producer<String, SpecificRecord> eventsProducer,
      Producer<String, byte[]> deadLetterProducer, DeepgramLiveClient client, CircuitBreaker breaker,
      MeterRegistry meters, Clock clock) {
    this(props, topics, consumer, degradedProducer, eventsProducer, deadLetterProducer, client, breaker, meters,
        clock, System::nanoTime, SessionParts.ulids(), SessionParts.uniformJitter());
  }

  /** With injected time, ids and jitter. */
  public SttEngine(SttProperties props, Topics topics, Consumer<String, byte[]> consumer,
      Producer<String, SpecificRecord> degradedProducer, Producer<String, SpecificRecord> eventsProducer,
      Producer<String, byte[]> deadLetterProducer, DeepgramLiveClient client, CircuitBreaker breaker,
      MeterRegistry meters, Clock clock, LongSupplier nanos, IdSource ids, Jitter jitter) {
    this.props = props;
    this.topics = topics;
    this.consumer = consumer;
    this.nanos = nanos;
    EngineMetrics metrics = new EngineMetrics(meters);
    SttHops hops = new SttHops(meters, clock::millis, nanos);
    BreakerGate breakerGate = new BreakerGate(breaker, nanos);
    this.commits = new Commits(consumer);
    this.sessions = new Sessions(SessionParts.settings(props), ids, jitter, nanos, metrics);
    LiveSockets sockets = new LiveSockets(client, breakerGate, props.maxConcurrentHandshakes(), inbox, metrics,
        sessions::dispatch);
    this.publisher = new Publisher(props, topics, degradedProducer, eventsProducer, deadLetterProducer,
        new OutboundRecords(clock), inbox, sessions::dispatch, nanos, metrics, hops);
    sessions.wire(new EffectExecutor(sockets, publisher, breakerGate, metrics, hops), sockets, publisher);
    this.intake = new FramesIntake(topics.audioFrames().valueSerde().deserializer(), commits, sessions, publisher,
        meters, hops);
    breakerGate.onTransition(inbox, transition -> {
      log.info("Breaker {}: {}", breakerGate.name(), transition);
      sessions.onBreakerTransition(transition);
    });
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

  @Override
  public void run() {
    thread.set(Thread.currentThread());
    consumer.subscribe(List.of(topics.audioFrames().name()), new Rebalance());
    log.info("STT worker consuming {} as group member", topics.audioFrames().name());
    try {
      while (running) {
        ConsumerRecords<String, byte[]> records;
        try {
          records = consumer.poll(idle() ? props.idlePollTimeout() : props.pollTimeout());
        } catch (WakeupException e) {
          continue;
        }
        inbox.drain();
        for (ConsumerRecord<String, byte[]> r : records) {
          intake.onRecord(r);
        }
        inbox.drain();
        long now = nanos.getAsLong();
        if (now - lastTick >= props.tickInterval().toNanos()) {
          lastTick = now;
          sessions.tick();
          publisher.tick();
        }
        if (now - lastCommit >= props.commitInterval().toNanos()) {
          lastCommit = now;
          commits.commit(false);
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

  /**
   * Nothing but records can need the loop: no session (so no socket event or timer) and no publish waiting for an
   * acknowledgement or a retry. Then a poll may wait long; records end it as soon as they arrive.
   */
  private boolean idle() {
    return sessions.isEmpty() && publisher.isEmpty();
  }

  private void shutdown() {
    try {
      inbox.drain();
      commits.commit(true);
    } catch (RuntimeException e) {
      log.warn("Final commit failed: {}", e.toString());
    }
    sessions.dropAll();
    try {
      consumer.close(Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      log.warn("Consumer close failed: {}", e.toString());
    }
    log.info("STT engine stopped");
  }

  /**
   * Back-pressure: consumption pauses while sessions hold more than max-buffered-bytes (until 80 % of it), and
   * while publishes fail or wait for Kafka longer than publish-stall (until every one is written).
   */
  private void applyBackpressure() {
    long held = sessions.bufferedBytes();
    boolean publishing = publisher.holdsBack();
    if (!paused && (held > props.maxBufferedBytes() || publishing)) {
      paused = true;
      consumer.pause(consumer.assignment());
      sessions.consumptionPaused(true);
      log.warn("Pausing consumption: {}", publishing ? "publishes to Kafka are failing or stalled"
          : held + " bytes of audio held in memory");
    } else if (paused && held < props.maxBufferedBytes() * 8 / 10 && !publishing) {
      paused = false;
      consumer.resume(consumer.paused());
      sessions.consumptionPaused(false);
      log.info("Resuming consumption: {} bytes of audio held in memory, publishes flowing", held);
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      commits.assigned(partitions);
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
      inbox.drain();
      try {
        commits.commit(partitions, true);
      } catch (RuntimeException e) {
        log.warn("Commit on revocation failed: {}", e.toString());
      }
      drop(partitions, "revoked");
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      drop(partitions, "lost");
    }

    private void drop(Collection<TopicPartition> partitions, String why) {
      int dropped = sessions.drop(partitions);
      commits.forget(partitions);
      log.info("Partitions {}: {}; dropped {} sessions", why, partitions, dropped);
    }
  }
}
