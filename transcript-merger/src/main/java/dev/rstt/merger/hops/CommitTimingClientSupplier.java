package dev.rstt.merger.hops;

import dev.rstt.merger.topology.IdleWaitConsumer;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;

/**
 * The clients Kafka Streams would make itself (byte-array serdes, the configuration it passes), with each producer
 * a {@link CommitTimedProducer} for the updates topic, and the main consumer an {@link IdleWaitConsumer}.
 */
public final class CommitTimingClientSupplier implements KafkaClientSupplier {

  private final String updatesTopic;
  private final MergerHops hops;

  private final Duration idlePoll;

  /** @param idlePoll how long the main consumer's poll may wait once idle ({@link IdleWaitConsumer}) */
  public CommitTimingClientSupplier(String updatesTopic, MergerHops hops, Duration idlePoll) {
    this.updatesTopic = updatesTopic;
    this.hops = hops;
    this.idlePoll = idlePoll;
  }

  @Override
  public Admin getAdmin(Map<String, Object> config) {
    return Admin.create(config);
  }

  @Override
  public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
    return new CommitTimedProducer(new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer()),
        updatesTopic, hops, System::currentTimeMillis);
  }

  /** The stream thread's main consumer: one whose polls wait longer once idle. */
  @Override
  public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
    return new IdleWaitConsumer(config, idlePoll);
  }

  @Override
  public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
    return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @Override
  public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
    return getRestoreConsumer(config);
  }
}
