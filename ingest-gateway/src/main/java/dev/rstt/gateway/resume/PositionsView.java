package dev.rstt.gateway.resume;

import dev.rstt.avro.SessionPosition;
import dev.rstt.schemas.Topic;
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
 * of a claim, a claimer of the release. Until it has read up to the end offsets it found at start,
 * {@link #caughtUp()} is false and resumes are answered "try again".
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
  private volatile boolean caughtUp;
  private volatile boolean running = true;

  /** A reader waiting until the view has read up to {@code end} (partition to offset). */
  private record Barrier(Map<TopicPartition, Long> end, CompletableFuture<Void> done) {
  }

  public PositionsView(Map<String, Object> consumerConfig, Topic<String, SessionPosition> topic, String gatewayId) {
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
      Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
      while (running) {
        for (ConsumerRecord<String, SessionPosition> r : consumer.poll(Duration.ofMillis(100))) {
          apply(new Event(r.key(), r.value(), r.partition(), r.offset()));
        }
        if (!caughtUp) {
          end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
          if (end.isEmpty()) {
            caughtUp = true;
            log.info("session.positions read up to date: {} resumable sessions known", latest.size());
          }
        }
        serveBarriers(partitions);
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

  /** New barriers take the topic's end offsets now; a barrier completes once the view has read up to them. */
  private void serveBarriers(List<TopicPartition> partitions) {
    CompletableFuture<Void> requested;
    while ((requested = barrierRequests.poll()) != null) {
      try {
        barriers.add(new Barrier(new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(5))), requested));
      } catch (RuntimeException e) {
        requested.completeExceptionally(e); // the broker is away: the caller answers "try again"
      }
    }
    barriers.removeIf(b -> {
      b.end().entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
      return b.end().isEmpty() && b.done().complete(null);
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
