package dev.rstt.batch.internal;

import dev.rstt.batch.BatchProperties;
import dev.rstt.batch.deepgram.Transcriber;
import dev.rstt.batch.session.IdSource;
import dev.rstt.batch.session.Jitter;
import dev.rstt.schemas.Topic;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch worker's one thread: polls {@code audio.degraded}, hands records to their sessions, runs what HTTP and
 * producer threads posted, ticks the sessions' timers, starts due transcriptions, re-sends failed publishes,
 * applies back-pressure and commits. Every decision about a session is its {@code SessionCore}'s
 * (docs/CONTRACT.md section 5); this loop and its parts only do I/O.
 */
public final class BatchEngine implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(BatchEngine.class);
  private static final Duration POLL = Duration.ofMillis(50);

  /** Where the engine's records go and come from. */
  public record Wiring(Topic<String, SpecificRecord> input, String outputTopic, Consumer<String, byte[]> consumer,
      RecordSender<String, SpecificRecord> events, RecordSender<Object, Object> deadLetters,
      Transcriber transcriber, CircuitBreaker breaker) {
  }

  private final BatchProperties props;
  private final Wiring wiring;
  private final Consumer<String, byte[]> consumer;
  private final Clock clock;
  private final Inbox inbox = new Inbox();
  private final BatchMetrics metrics;
  private final Commits commits;
  private final Sessions sessions;
  private final Transcriptions transcriptions;
  private final Publisher publisher;
  private final ConsumptionGate gate;
  private final DegradedIntake intake;
  private volatile boolean running = true;
  private volatile boolean alive;

  public BatchEngine(BatchProperties props, Wiring wiring, MeterRegistry meters, Clock clock) {
    this(props, wiring, meters, clock, System::nanoTime, SessionParts.ulids(), SessionParts.uniformJitter());
  }

  /** With injected time, ids and jitter. */
  public BatchEngine(BatchProperties props, Wiring wiring, MeterRegistry meters, Clock clock, LongSupplier nanos,
      IdSource ids, Jitter jitter) {
    this.props = props;
    this.wiring = wiring;
    this.consumer = wiring.consumer();
    this.clock = clock;
    this.metrics = new BatchMetrics(meters);
    this.commits = new Commits(consumer);
    this.sessions = new Sessions(SessionParts.settings(props), ids, jitter, nanos, metrics);
    this.transcriptions = new Transcriptions(wiring.transcriber(), wiring.breaker(), props.concurrency(), inbox,
        sessions::dispatch, nanos, metrics);
    this.publisher = new Publisher(wiring.outputTopic(), wiring.events(), wiring.deadLetters(),
        new OutboundRecords(clock), inbox, sessions::dispatch, nanos, metrics,
        props.publishRetryBackoff().toNanos(), props.publishRetryMaxBackoff().toNanos());
    sessions.wire(new EffectExecutor(transcriptions, publisher, metrics), slot -> {
      transcriptions.forget(slot);
      publisher.forget(slot);
    });
    this.gate = new ConsumptionGate(consumer, sessions, publisher, metrics, props.maxBuffered().toBytes(), nanos);
    this.intake = new DegradedIntake(wiring.input().valueSerde().deserializer(), commits, sessions, publisher, gate,
        meters, clock);
  }

  /** Asks the engine to stop; {@link #run()} returns after committing what is done. */
  public void stop() {
    running = false;
    consumer.wakeup();
  }

  /** Whether the loop runs (false once it died or stopped). */
  public boolean isAlive() {
    return alive;
  }

  @Override
  public void run() {
    alive = true;
    try {
      consumer.subscribe(List.of(wiring.input().name()), new Rebalance());
      log.info("Batch worker consuming {} as group {}", wiring.input().name(), props.groupId());
      while (running) {
        ConsumerRecords<String, byte[]> records;
        try {
          records = consumer.poll(POLL);
        } catch (WakeupException e) {
          continue;
        }
        inbox.drain();
        for (TopicPartition tp : records.partitions()) {
          intake.onRecords(tp, records.records(tp));
        }
        inbox.drain();
        sessions.tick();
        publisher.tick();
        gate.apply();
        transcriptions.dispatch();
        commits.commitAsync();
        long oldest = commits.oldestOpenReadAtMs();
        metrics.backlogAgeSeconds = oldest < 0 ? 0 : (clock.millis() - oldest) / 1000.0;
      }
    } catch (RuntimeException e) {
      log.error("Batch worker poll loop failed", e);
    } finally {
      alive = false;
      shutdown();
    }
  }

  private void shutdown() {
    try {
      inbox.drain();
      commits.commitSyncAll();
    } catch (RuntimeException e) {
      log.warn("Final commit failed: {}", e.toString());
    }
    sessions.dropAll();
    try {
      consumer.close(Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      log.warn("Consumer close failed: {}", e.toString());
    }
    log.info("Batch worker stopped");
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      commits.assigned(partitions);
      gate.onAssigned(partitions);
      log.info("Partitions assigned: {}", partitions);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      inbox.drain();
      commits.commitSync(partitions);
      drop(partitions, "revoked");
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      drop(partitions, "lost");
    }

    private void drop(Collection<TopicPartition> partitions, String why) {
      int dropped = sessions.drop(partitions);
      commits.forget(partitions);
      log.info("Partitions {}: {}; dropped {} session(s)", why, partitions, dropped);
    }
  }
}
