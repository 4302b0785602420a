package dev.rstt.gateway.resume;

import dev.rstt.avro.SessionPosition;
import dev.rstt.gateway.session.Placement;
import dev.rstt.schemas.Topic;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes session.positions (docs/CONTRACT.md section 10) with its own small idempotent {@code acks=all} producer:
 * positions never wait behind audio, and audio never behind positions. A failed write is not retried here: the next
 * one (at most a position interval later) carries newer numbers, and a stale position costs only a longer scan.
 * How each write went (failed, or slow) tells the view's {@link PositionsFreshness} when the topic could not be
 * written.
 *
 * <p>{@code send()} runs on one thread of its own, in call order: it can block (on metadata, up to
 * {@code max.block.ms}, and briefly on the producer's buffer), and writes are asked for on the audio producer's
 * network thread (a session's first position follows its acknowledged {@code SessionStarted}), on the gateway's
 * timers and on socket event loops, none of which may wait for this producer.
 */
public final class PositionsWriter implements AutoCloseable {

  private final KafkaProducer<String, SessionPosition> producer;
  private final Topic<String, SessionPosition> topic;
  private final PositionsFreshness freshness;
  private final Clock clock;
  private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "gateway-positions-send");
    t.setDaemon(true);
    return t;
  });

  public PositionsWriter(Map<String, Object> producerConfig, Topic<String, SessionPosition> topic, String gatewayId,
      Duration maxBlock, PositionsFreshness freshness, Clock clock) {
    this.freshness = freshness;
    this.clock = clock;
    Map<String, Object> config = new HashMap<>(producerConfig);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlock.toMillis());
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "rstt-gateway-positions-" + gatewayId);
    config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    this.topic = topic;
    this.producer = new KafkaProducer<>(config, topic.keySerde().serializer(), topic.valueSerde().serializer());
  }

  /** Writes a session's position; completes with where it was stored. */
  public CompletableFuture<Placement> write(SessionPosition position) {
    return send(position.getSessionId(), position);
  }

  /** The session ended: nothing of it is resumable any more. */
  public CompletableFuture<Placement> tombstone(String sessionId) {
    return send(sessionId, null);
  }

  /** Queues the write and returns at once: the future completes when Kafka acknowledged it, or could not. */
  private CompletableFuture<Placement> send(String key, SessionPosition value) {
    CompletableFuture<Placement> done = new CompletableFuture<>();
    long sentAt = clock.millis();
    try {
      sender.execute(() -> handOver(key, value, sentAt, done));
    } catch (RejectedExecutionException e) { // closing
      done.completeExceptionally(e);
    }
    return done;
  }

  private void handOver(String key, SessionPosition value, long sentAt, CompletableFuture<Placement> done) {
    try {
      producer.send(new ProducerRecord<>(topic.name(), key, value), (metadata, error) -> {
        freshness.written(sentAt, clock.millis(), error != null);
        if (error != null) {
          done.completeExceptionally(error);
        } else {
          done.complete(new Placement(metadata.partition(), metadata.offset()));
        }
      });
    } catch (RuntimeException e) {
      freshness.written(sentAt, clock.millis(), true);
      done.completeExceptionally(e);
    }
  }

  /** Hands what was queued to the producer (waiting up to 5 s), then closes it. */
  @Override
  public void close() {
    sender.shutdown();
    try {
      sender.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
  }
}
