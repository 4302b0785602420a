package dev.rstt.gateway.session;

import dev.rstt.gateway.GatewayMetrics;
import dev.rstt.schemas.Topic;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes a session's records to {@code audio.frames}, keyed by session id, with an idempotent
 * {@code acks=all} producer. {@code send} runs on one dedicated thread (it can block on metadata when Kafka
 * is down), never on a socket's event loop; calls are queued in order, so a session's records reach the
 * producer in the order the session published them.
 */
public final class AudioPublisher implements AudioSink, AutoCloseable {

  private final Producer<String, SpecificRecord> producer;
  private final Topic<String, SpecificRecord> topic;
  private final GatewayMetrics metrics;
  private final UnackedBudget global;
  private final AutoCloseable producerMetrics;
  private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "gateway-kafka-send");
    t.setDaemon(true);
    return t;
  });

  public AudioPublisher(Producer<String, SpecificRecord> producer, Topic<String, SpecificRecord> topic,
      GatewayMetrics metrics, UnackedBudget global) {
    this(producer, topic, metrics, global, () -> { });
  }

  /** @param producerMetrics closed with the publisher (the producer's metrics binder) */
  public AudioPublisher(Producer<String, SpecificRecord> producer, Topic<String, SpecificRecord> topic,
      GatewayMetrics metrics, UnackedBudget global, AutoCloseable producerMetrics) {
    this.producerMetrics = producerMetrics;
    this.producer = producer;
    this.topic = topic;
    this.metrics = metrics;
    this.global = global;
  }

  @Override
  public UnackedBudget global() {
    return global;
  }

  /**
   * Hands one record to Kafka. {@code bytes} count against the global budget until Kafka acknowledges.
   *
   * @return completes when Kafka acknowledged the record, exceptionally when it could not
   */
  @Override
  public CompletableFuture<Void> publish(String sessionId, SpecificRecord value, long bytes) {
    CompletableFuture<Void> acked = new CompletableFuture<>();
    global.acquire(bytes);
    try {
      sender.execute(() -> {
        long start = System.nanoTime();
        try {
          producer.send(new ProducerRecord<>(topic.name(), sessionId, value), (metadata, error) -> {
            global.release(bytes);
            if (error != null) {
              metrics.publishFailed();
              acked.completeExceptionally(error);
            } else {
              metrics.published(Duration.ofNanos(System.nanoTime() - start));
              acked.complete(null);
            }
          });
        } catch (RuntimeException e) {
          global.release(bytes);
          metrics.publishFailed();
          acked.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException e) {
      global.release(bytes);
      acked.completeExceptionally(e);
    }
    return acked;
  }

  @Override
  public void close() {
    sender.shutdown();
    try {
      sender.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(10));
    try {
      producerMetrics.close();
    } catch (Exception e) {
      // shutting down; the metrics binder holds nothing that outlives the process
    }
  }
}
