package dev.rstt.merger;

import dev.rstt.common.kafka.TopicsProperties;
import dev.rstt.merger.hops.CommitTimingClientSupplier;
import dev.rstt.merger.hops.MergerHops;
import dev.rstt.merger.topology.BoundedThreadReplacement;
import dev.rstt.merger.topology.MergerStreamsProperties;
import dev.rstt.merger.topology.MergerTopology;
import dev.rstt.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Clock;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Owns the Kafka Streams client: start, wait for RUNNING (bounded), close with a timeout. Never cleans local
 * state on a normal start.
 */
@Component
public class MergerStreams implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(MergerStreams.class);

  private final MergerConfig config;
  private final Topics topics;
  private final KafkaProperties kafka;
  private final TopicsProperties topicsProperties;
  private final MeterRegistry meters;
  private volatile KafkaStreams streams;
  private KafkaStreamsMetrics metrics;

  public MergerStreams(MergerConfig config, Topics topics, KafkaProperties kafka, TopicsProperties topicsProperties,
      MeterRegistry meters) {
    this.config = config;
    this.topics = topics;
    this.kafka = kafka;
    this.topicsProperties = topicsProperties;
    this.meters = meters;
  }

  @Override
  public void start() {
    Topology topology = MergerTopology.buildTopology(config, topics, meters);
    Properties props = MergerStreamsProperties.build(config, kafka.buildStreamsProperties(),
        topicsProperties.replicationFactor());
    KafkaStreams client = new KafkaStreams(topology, props,
        new CommitTimingClientSupplier(topics.sessionUpdates().name(), new MergerHops(meters),
            config.idlePollTimeout()));
    CountDownLatch running = new CountDownLatch(1);
    client.setStateListener((next, previous) -> {
      log.info("Kafka Streams {} -> {}", previous, next);
      if (next == KafkaStreams.State.RUNNING) {
        running.countDown();
      }
    });
    Counter deaths = Counter.builder("rstt.merger.stream.thread.deaths")
        .description("Stream threads that died of an exception (replaced, or the client shut down)").register(meters);
    client.setUncaughtExceptionHandler(new BoundedThreadReplacement(config.maxThreadReplacements(),
        config.replacementWindow(), Clock.systemUTC(), deaths::increment));
    metrics = new KafkaStreamsMetrics(client);
    metrics.bindTo(meters);
    streams = client;
    client.start();
    try {
      if (!running.await(config.startupTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        KafkaStreams.State state = client.state();
        stop();
        throw new IllegalStateException("Kafka Streams did not reach RUNNING within rstt.merger.startup-timeout="
            + config.startupTimeout() + " (state " + state + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while starting Kafka Streams", e);
    }
  }

  @Override
  public void stop() {
    KafkaStreams client = streams;
    if (client != null) {
      // Leave the group so the next instance gets the tasks at once, not after the session timeout.
      boolean closed = client.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(config.closeTimeout()));
      log.info("Kafka Streams closed{}", closed ? "" : " (timed out after " + config.closeTimeout() + ")");
      if (metrics != null) {
        metrics.close();
      }
      streams = null;
    }
  }

  @Override
  public boolean isRunning() {
    return streams != null;
  }

  /** The running client, or null before start and after stop. */
  public KafkaStreams streams() {
    return streams;
  }
}
