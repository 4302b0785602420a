package dev.rstt.gateway.support;

import dev.rstt.schemas.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;

/** Reads everything on a test's audio.frames topic (all partitions, from the beginning), like a worker would. */
public final class AudioFramesReader implements AutoCloseable {

  private final KafkaConsumer<String, SpecificRecord> consumer;
  private final List<ConsumerRecord<String, SpecificRecord>> records = new ArrayList<>();

  public AudioFramesReader(String bootstrap, Topic<String, SpecificRecord> topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumer = new KafkaConsumer<>(props, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Polls until {@code done} holds for the records of {@code sessionId}; returns them in partition order. */
  public List<ConsumerRecord<String, SpecificRecord>> awaitSession(String sessionId,
      Predicate<List<SpecificRecord>> done) {
    // Awaitility evaluates on its own thread: no monitor may be held here across the wait
    return Awaitility.await("records of " + sessionId).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
        .until(() -> {
          poll(Duration.ofMillis(100));
          return session(sessionId);
        }, list -> done.test(list.stream().map(ConsumerRecord::value).toList()));
  }

  private synchronized void poll(Duration timeout) {
    consumer.poll(timeout).forEach(records::add);
  }

  /** Records of one session seen so far. */
  public synchronized List<ConsumerRecord<String, SpecificRecord>> session(String sessionId) {
    return records.stream().filter(r -> sessionId.equals(r.key())).collect(Collectors.toList());
  }

  /** Polls for a moment and returns everything seen so far. */
  public synchronized List<ConsumerRecord<String, SpecificRecord>> drain() {
    poll(Duration.ofMillis(300));
    return List.copyOf(records);
  }

  @Override
  public synchronized void close() {
    consumer.close();
  }
}
