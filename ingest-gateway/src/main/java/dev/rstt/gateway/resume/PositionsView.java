package dev.rstt.gateway.resume;

import dev.rstt.avro.SessionPosition;
import dev.rstt.schemas.Topic;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every gateway's copy of session.positions (docs/CONTRACT.md section 10): one consumer, no group, every partition
 * from the beginning, the latest value per session in memory (a tombstone removes it; a few hundred bytes a
 * session). Listeners hear every record in partition order, on this view's thread: the holder of a session learns
 * of a claim, a claimer of the release. Every {@code probe} it asks for the topic's end offsets and records when it
 * has read up to them ({@link PositionsFreshness}): until the first time, {@link #caughtUp()} is false, and whenever
 * the last time is older than the staleness bound (the broker away) its copy is not current; resumes are then
 * answered "try again", and the time the topic could not be read is not counted against any session's window.
 */
public final class PositionsView implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PositionsView.class);

  /** A record read: the session's position, or null for a tombstone, at {@code partition}@{@code offset}. */
  public record Event(String sessionId, SessionPosition position, int partition, long offset) {
  }

  private final Map<String, Event> latest = new ConcurrentHashMap<>();
  private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
  private final KafkaConsumer<String, SessionPosition> consumer;
  private final Topic<String, SessionPosition> topic;
  private final Thread thread;
  private final java.util.Queue<CompletableFuture<Void>> barrierRequests = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final List<Barrier> barriers = new java.util.ArrayList<>(); // the view thread's only
  private final Clock clock;
  private final long probeMs;
  private final PositionsFreshness freshness;
  private volatile boolean caughtUp;
  private volatile boolean running = true;

  /** A reader waiting until the view has read up to {@code end} (partition to offset), asked for at {@code atMs}. */
  private record Barrier(Map<TopicPartition, Long> end, CompletableFuture<Void> done, long atMs) {
  }

  /**
   * @param probe how often the view checks that it has read the topic through
   * @param staleAfter a view not read through for longer is not current (the broker is away)
   */
  public PositionsView(Map<String, Object> consumerConfig, Topic<String, SessionPosition> topic, String gatewayId,
      Clock clock, Duration probe, Duration staleAfter) {
    this.clock = clock;
    this.probeMs = probe.toMillis();
    this.freshness = new PositionsFreshness(staleAfter.toMillis(), clock.millis());
    Properties props = new Properties();
    props.putAll(consumerConfig);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "rstt-gateway-positions-" + gatewayId);
    this.topic = topic;
    this.consumer = new KafkaConsumer<>(props, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    this.thread = new Thread(this::run, "gateway-positions-view");
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  private void run() {
    try {
      List<TopicPartition> partitions;
      while (true) {
        if (!running) {
          return;
        }
        try {
          partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(10)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
          if (!partitions.isEmpty()) {
            break;
          }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
          log.warn("session.positions: no metadata yet ({}); retrying", e.getMessage());
        }
        java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long nextProbe = 0;
      boolean wasCurrent = false;
      while (running) {
        for (ConsumerRecord<String, SessionPosition> r : consumer.poll(Duration.ofMillis(100))) {
          apply(new Event(r.key(), r.value(), r.partition(), r.offset()));
        }
        long now = clock.millis();
        if (now >= nextProbe) {
          nextProbe = now + probeMs;
          barrierRequests.add(new CompletableFuture<>()); // the view's own: it only feeds the freshness
        }
        serveBarriers(partitions);
        boolean current = freshness.state(clock.millis()).current();
        if (current != wasCurrent) {
          wasCurrent = current;
          if (current && !caughtUp) {
            caughtUp = true;
            log.info("session.positions read up to date: {} resumable sessions known", latest.size());
          } else if (current) {
            log.info("session.positions readable again: resume windows count from now for sessions silent since");
          } else {
            log.warn("session.positions not read through for a while: resumes of sessions not held here answered"
                + " resume_unavailable");
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      if (running) {
        log.error("session.positions view stopped: resumes across gateways are refused until a restart", e);
      }
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /**
   * New barriers take the topic's end offsets now; a barrier completes once the view has read up to them, which
   * tells the freshness that the topic was read through.
   */
  private void serveBarriers(List<TopicPartition> partitions) {
    CompletableFuture<Void> requested;
    while ((requested = barrierRequests.poll()) != null) {
      long at = clock.millis();
      try {
        barriers.add(new Barrier(new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(5))), requested,
            at));
      } catch (RuntimeException e) {
        requested.completeExceptionally(e); // the broker is away: the caller answers "try again"
      }
    }
    barriers.removeIf(b -> {
      b.end().entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
      if (!b.end().isEmpty()) {
        return false;
      }
      freshness.readThrough(b.atMs(), clock.millis());
      b.done().complete(null);
      return true;
    });
  }

  /**
   * Completes once the view has read everything on the topic when it was called (a position written a moment ago
   * by another gateway included); exceptionally if the end offsets cannot be had.
   */
  public CompletableFuture<Void> readThrough() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    barrierRequests.add(done);
    return done;
  }

  private void apply(Event e) {
    if (e.sessionId() == null) {
      return;
    }
    if (e.position() == null) {
      latest.remove(e.sessionId());
    } else {
      latest.put(e.sessionId(), e);
    }
    for (Consumer<Event> l : listeners) {
      try {
        l.accept(e);
      } catch (RuntimeException ex) {
        log.error("A session.positions listener failed", ex);
      }
    }
  }

  /** The latest record of a session (null: never written, or ended). */
  public Event latest(String sessionId) {
    return latest.get(sessionId);
  }

  /** The latest record of every session known (a copy). */
  public List<Event> all() {
    return List.copyOf(latest.values());
  }

  /** True once everything on the topic at start has been read. */
  public boolean caughtUp() {
    return caughtUp;
  }

  /** How far this copy can be trusted now (docs/CONTRACT.md section 10). */
  public PositionsFreshness.State state() {
    return freshness.state(clock.millis());
  }

  /** Where this gateway's own writes to session.positions report how they went. */
  public PositionsFreshness freshness() {
    return freshness;
  }

  /** Hears every record read from now on; run the returned handle to stop. */
  public Runnable listen(Consumer<Event> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  public int size() {
    return latest.size();
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
