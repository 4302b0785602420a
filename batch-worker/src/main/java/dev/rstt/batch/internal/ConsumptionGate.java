package dev.rstt.batch.internal;

import java.util.Collection;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Back-pressure: bounded memory whatever Deepgram and Kafka do. A record that would take the held audio (buffers
 * and unacknowledged chunks) over {@code max-buffered} is left in Kafka and every assigned partition is paused
 * until the held audio is below 3/4 of the cap; consumption also waits while a publish is failing. While paused at
 * the cap with no chunk outstanding, the session holding the oldest buffered audio is cut (else nothing would ever
 * free memory). Engine thread only.
 */
final class ConsumptionGate {

  private static final Logger log = LoggerFactory.getLogger(ConsumptionGate.class);
  private static final long LOG_INTERVAL_NANOS = 30_000_000_000L;

  private final Consumer<?, ?> consumer;
  private final Sessions sessions;
  private final Publisher publisher;
  private final BatchMetrics metrics;
  private final long cap;
  private final LongSupplier nanos;
  private boolean memoryFull;
  private boolean paused;
  private long lastLogAt = Long.MIN_VALUE / 2;

  ConsumptionGate(Consumer<?, ?> consumer, Sessions sessions, Publisher publisher, BatchMetrics metrics, long cap,
      LongSupplier nanos) {
    this.consumer = consumer;
    this.sessions = sessions;
    this.publisher = publisher;
    this.metrics = metrics;
    this.cap = cap;
    this.nanos = nanos;
  }

  /** Whether a record of {@code bytes} of audio may be taken now (always, when nothing is held). */
  boolean admits(long bytes) {
    long held = sessions.heldBytes();
    return !memoryFull && (held == 0 || held + bytes <= cap);
  }

  /** At the cap: the partition goes back to {@code offset}, and consumption pauses at once. */
  void seekBack(TopicPartition tp, long offset) {
    consumer.seek(tp, offset);
    if (!memoryFull) {
      memoryFull = true;
      String line = "Memory cap reached (" + sessions.heldBytes() + " bytes held): consumption paused";
      if (nanos.getAsLong() - lastLogAt >= LOG_INTERVAL_NANOS) {
        lastLogAt = nanos.getAsLong();
        log.info(line);
      } else {
        log.debug(line);
      }
    }
    apply();
  }

  /** Pauses or resumes consumption as memory and publishing require; forces a cut when nothing else can free memory. */
  void apply() {
    if (memoryFull && sessions.heldBytes() <= cap * 3 / 4) {
      memoryFull = false;
      log.debug("Held audio down to {} bytes", sessions.heldBytes());
    }
    boolean publishing = publisher.failing();
    boolean pause = memoryFull || publishing;
    if (pause && !paused) {
      paused = true;
      metrics.paused = true;
      metrics.pause();
      consumer.pause(consumer.assignment());
      sessions.consumptionPaused(true);
      if (publishing) {
        log.warn("Pausing consumption: publishes to Kafka are failing");
      }
    } else if (!pause && paused) {
      paused = false;
      metrics.paused = false;
      consumer.resume(consumer.paused());
      sessions.consumptionPaused(false);
      log.debug("Consumption resumed: {} bytes held, publishes flowing", sessions.heldBytes());
    }
    if (memoryFull) {
      sessions.forceCutOldest();
    }
  }

  /** Newly assigned partitions start paused while consumption is. */
  void onAssigned(Collection<TopicPartition> partitions) {
    if (paused) {
      consumer.pause(partitions);
    }
  }
}
