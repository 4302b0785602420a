package dev.rstt.merger.topology;

import dev.rstt.merger.MergerConfig;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams configuration of the merger, shared by the application and the broker tests. */
public final class MergerStreamsProperties {

  private MergerStreamsProperties() {
  }

  /**
   * @param base client settings (bootstrap servers, security) from Spring's {@code spring.kafka.*}
   * @param replicationFactor replication of the changelogs ({@code rstt.topics.replication-factor})
   */
  public static Properties build(MergerConfig config, Map<String, Object> base, short replicationFactor) {
    Properties p = new Properties();
    p.putAll(base);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir());
    p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, config.applicationServer());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
    // With exactly-once, output becomes visible at the commit. The commit is checked once per loop, after a poll
    // that may block for poll.ms (100 ms by default) when no input is waiting; bounding the poll by the commit
    // interval keeps the commit of the last records processed from waiting for the next input.
    // (an explicit spring.kafka.streams.properties.poll.ms is kept: it trades this latency for fewer idle wake-ups)
    p.putIfAbsent(StreamsConfig.POLL_MS_CONFIG, Math.min(100, config.commitInterval().toMillis()));
    // Streams lingers its producer 100 ms by default, so all output of a commit interval waited in the producer
    // for the commit's flush, which then waited a whole round trip; sent as it is made, most of it is acknowledged
    // by the time of the commit (the merger's record e2e latency fell from 99 to 35 ms at 200 sessions).
    p.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
    p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
    // Works on one broker (factor 1) and on three (factor 3, two in sync to acknowledge).
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) replicationFactor);
    p.put(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG),
        Integer.toString(replicationFactor >= 3 ? 2 : 1));
    p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), MergerTopology.MAX_STATE_BYTES + 65536);
    // A broker outage (down, frozen, partitioned away) must not kill the stream thread. Left to the defaults, a
    // commit blocked on the broker throws after max.block.ms (60 s), the task is declared corrupted, and handling
    // that commits the other tasks through the producer whose transaction has failed: the thread dies, and its
    // replacement waits for the dead thread's group member (seen: minutes in REBALANCING). So: sends never
    // expire (Streams' own exactly-once default, pinned here), a blocked send or commit waits out an outage of
    // up to broker-outage-tolerance, and a task may retry for twice that before it gives up. When the broker
    // returns, the coordinator has aborted the open transaction (transaction.timeout.ms, Streams' 10 s): the
    // producer is fenced, Kafka Streams closes the tasks and rejoins, and the input since the last commit is
    // processed again; nothing is lost or applied twice.
    long tolerance = config.brokerOutageTolerance().toMillis();
    p.put(StreamsConfig.producerPrefix(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG), Integer.MAX_VALUE);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_BLOCK_MS_CONFIG), tolerance);
    p.put(StreamsConfig.TASK_TIMEOUT_MS_CONFIG, 2 * tolerance);
    if (!config.instanceId().isBlank()) {
      p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), config.instanceId());
    }
    return p;
  }
}
