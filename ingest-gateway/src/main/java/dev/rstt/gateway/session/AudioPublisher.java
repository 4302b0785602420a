package dev.rstt.gateway.session;

import dev.rstt.avro.AudioChunk;
import dev.rstt.gateway.GatewayMetrics;
import dev.rstt.schemas.Topic;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a session's records to {@code audio.frames}, keyed by session id, with an idempotent
 * {@code acks=all} producer that never expires a record. {@code send} runs on one dedicated thread (it can block
 * on metadata when Kafka is down), never on a socket's event loop; calls are queued in order, so a session's records
 * reach the producer in the order the session published them, and a record the producer cannot take yet is
 * handed over again rather than failed.
 */
public final class AudioPublisher implements AudioSink, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AudioPublisher.class);
  private static final long RETRY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final Producer<String, SpecificRecord> producer;
  private final Topic<String, SpecificRecord> topic;
  private final GatewayMetrics metrics;
  private final UnackedBudget global;
  private final AutoCloseable producerMetrics;
  /** Closing: a record the producer cannot take now fails instead of waiting. */
  private volatile boolean closed;
  /** Only the sender thread reads and writes it. */
  private boolean waiting;
  private volatile Thread senderThread;
  private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "gateway-kafka-send");
    t.setDaemon(true);
    senderThread = t;
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
  public CompletableFuture<Placement> publish(String sessionId, SpecificRecord value, long bytes) {
    CompletableFuture<Placement> acked = new CompletableFuture<>();
    global.acquire(bytes);
    try {
      sender.execute(() -> handOver(new ProducerRecord<>(topic.name(), sessionId, value), bytes, acked));
    } catch (RejectedExecutionException e) {
      global.release(bytes);
      acked.completeExceptionally(e);
    }
    return acked;
  }

  /**
   * Hands the record to the producer. The producer may refuse it before taking it: {@code send()} waits
   * {@code max.block.ms} for metadata (which the producer drops when it re-bootstraps while the broker is away) or
   * for buffer space, then reports a retriable error through the callback, on this thread. That is the outage, not
   * a refusal: the same record is handed over again (this thread is the only sender, so the order holds and every
   * later record waits behind it) until the producer takes it or the publisher closes. Once taken, the producer
   * retries it itself and never expires it.
   */
  private void handOver(ProducerRecord<String, SpecificRecord> record, long bytes,
      CompletableFuture<Placement> acked) {
    long start = System.nanoTime();
    while (true) {
      RuntimeException notTaken;
      try {
        AtomicReference<Exception> refused = new AtomicReference<>();
        producer.send(record, (metadata, error) -> {
          if (error instanceof RetriableException && Thread.currentThread() == senderThread) {
            refused.set(error); // reported by send() itself: the record was not taken
            return;
          }
          global.release(bytes);
          if (error != null) {
            metrics.publishFailed();
            acked.completeExceptionally(error);
          } else {
            if (record.value() instanceof AudioChunk chunk && chunk.getReceivedAtMs() != null) {
              metrics.hops().audioAcked(chunk.getReceivedAtMs());
            }
            metrics.published(Duration.ofNanos(System.nanoTime() - start));
            acked.complete(metadata == null ? Placement.UNKNOWN
                : new Placement(metadata.partition(), metadata.offset()));
          }
        });
        if (refused.get() == null) {
          if (waiting) {
            waiting = false;
            log.info("Kafka takes records again");
          }
          return;
        }
        notTaken = (RuntimeException) refused.get();
      } catch (RetriableException e) {
        notTaken = e;
      } catch (RuntimeException e) {
        fail(bytes, acked, e);
        return;
      }
      if (closed) {
        fail(bytes, acked, notTaken);
        return;
      }
      if (!waiting) {
        waiting = true; // one line per outage, not per record
        log.warn("Kafka cannot take records now ({}): holding them, in order, until it can", notTaken.toString());
      }
      LockSupport.parkNanos(RETRY_PAUSE_NANOS); // send() usually waited max.block.ms already; never spin
    }
  }

  private void fail(long bytes, CompletableFuture<Placement> acked, RuntimeException e) {
    global.release(bytes);
    metrics.publishFailed();
    acked.completeExceptionally(e);
  }

  @Override
  public void close() {
    closed = true;
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
