package dev.rstt.merger.hops;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * Kafka Streams' producer, unchanged, but remembering the timestamps of the records it sends to one topic
 * ({@code session.updates}) in the open transaction; when the transaction commits, each is recorded as
 * {@link MergerHops#committed}; an aborted transaction's are forgotten (its input is processed again).
 */
final class CommitTimedProducer implements Producer<byte[], byte[]> {

  private final Producer<byte[], byte[]> delegate;
  private final String topic;
  private final MergerHops hops;
  private final LongSupplier clock;
  private long[] pending = new long[64];
  private int size;

  CommitTimedProducer(Producer<byte[], byte[]> delegate, String topic, MergerHops hops, LongSupplier clock) {
    this.delegate = delegate;
    this.topic = topic;
    this.hops = hops;
    this.clock = clock;
  }

  private synchronized void remember(ProducerRecord<byte[], byte[]> record) {
    if (record.timestamp() == null || !topic.equals(record.topic())) {
      return;
    }
    if (size == pending.length) {
      pending = Arrays.copyOf(pending, size * 2);
    }
    pending[size++] = record.timestamp();
  }

  private synchronized void settle(boolean committed) {
    if (committed) {
      long now = clock.getAsLong();
      for (int i = 0; i < size; i++) {
        hops.committed(pending[i], now);
      }
    }
    size = 0;
    if (pending.length > 4096) {
      pending = new long[64]; // one burst does not hold memory for ever
    }
  }

  @Override
  public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
    remember(record);
    return delegate.send(record);
  }

  @Override
  public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
    remember(record);
    return delegate.send(record, callback);
  }

  @Override
  public void commitTransaction() {
    delegate.commitTransaction();
    settle(true);
  }

  @Override
  public void abortTransaction() {
    settle(false);
    delegate.abortTransaction();
  }

  @Override
  public void initTransactions() {
    delegate.initTransactions();
  }

  @Override
  public void beginTransaction() {
    settle(false);
    delegate.beginTransaction();
  }

  @Override
  public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
      ConsumerGroupMetadata groupMetadata) {
    delegate.sendOffsetsToTransaction(offsets, groupMetadata);
  }

  @Override
  public void registerMetricForSubscription(org.apache.kafka.common.metrics.KafkaMetric metric) {
    delegate.registerMetricForSubscription(metric);
  }

  @Override
  public void unregisterMetricFromSubscription(org.apache.kafka.common.metrics.KafkaMetric metric) {
    delegate.unregisterMetricFromSubscription(metric);
  }

  @Override
  public void flush() {
    delegate.flush();
  }

  @Override
  public List<PartitionInfo> partitionsFor(String topic) {
    return delegate.partitionsFor(topic);
  }

  @Override
  public Map<MetricName, ? extends Metric> metrics() {
    return delegate.metrics();
  }

  @Override
  public Uuid clientInstanceId(Duration timeout) {
    return delegate.clientInstanceId(timeout);
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public void close(Duration timeout) {
    delegate.close(timeout);
  }
}
