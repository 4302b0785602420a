package dev.rstt.batch.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** The batch worker's meters; gauges read values the poll loop publishes. */
final class BatchMetrics {

  static final String BUFFERED_BYTES = "rstt.batch.buffered.bytes";
  static final String BUFFERED_SECONDS = "rstt.batch.buffered.audio.seconds";
  static final String CHUNKS = "rstt.batch.chunks";
  static final String LATENCY = "rstt.batch.prerecorded.latency";
  static final String BACKLOG_AGE = "rstt.batch.backlog.age.seconds";
  static final String PAUSED = "rstt.batch.consumption.paused";
  static final String CUTS = "rstt.batch.cuts";
  static final String PAUSES = "rstt.batch.consumption.pauses";
  static final String DUPLICATES = "rstt.batch.records.duplicate";
  static final String PUBLISH_FAILURES = "rstt.batch.publish.failures";

  final AtomicLong bufferedBytes = new AtomicLong();
  volatile double bufferedSeconds;
  volatile double backlogAgeSeconds;
  volatile boolean paused;
  private final MeterRegistry meters;
  private final Timer latency;
  private final Counter duplicates;
  private final Counter publishFailures;

  BatchMetrics(MeterRegistry meters) {
    this.meters = meters;
    Gauge.builder(BUFFERED_BYTES, bufferedBytes, AtomicLong::get)
        .description("Degraded audio held in memory (session buffers and unfinished chunks)").baseUnit("bytes")
        .register(meters);
    Gauge.builder(BUFFERED_SECONDS, this, m -> m.bufferedSeconds)
        .description("Degraded audio held in memory, in seconds of session audio").register(meters);
    Gauge.builder(BACKLOG_AGE, this, m -> m.backlogAgeSeconds)
        .description("Age of the oldest consumed audio not yet transcribed and published").register(meters);
    Gauge.builder(PAUSED, this, m -> m.paused ? 1 : 0)
        .description("1 while consumption is paused at the memory cap").register(meters);
    latency = Timer.builder(LATENCY).description("Pre-recorded transcription of one chunk, retries included")
        .publishPercentileHistogram().register(meters);
    duplicates = Counter.builder(DUPLICATES).description("Redelivered audio already buffered, ignored")
        .register(meters);
    publishFailures = Counter.builder(PUBLISH_FAILURES)
        .description("Sends to Kafka that failed (each is sent again, in order, until written)").register(meters);
  }

  void chunk(String outcome) {
    Counter.builder(CHUNKS).description("Batch chunks by outcome").tag("outcome", outcome).register(meters)
        .increment();
  }

  void cut(String reason) {
    Counter.builder(CUTS).description("Batch chunks cut, by reason (cut, flush, gap, replay, idle, forced)")
        .tag("reason", reason).register(meters).increment();
  }

  void pause() {
    Counter.builder(PAUSES).description("Times consumption paused at the memory cap").register(meters).increment();
  }

  void latency(Duration d) {
    latency.record(d);
  }

  void duplicate() {
    duplicates.increment();
  }

  void publishFailure() {
    publishFailures.increment();
  }
}
