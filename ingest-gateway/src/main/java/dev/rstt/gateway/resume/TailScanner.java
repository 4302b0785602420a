package dev.rstt.gateway.resume;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.SessionEnded;
import dev.rstt.common.audio.Pcm;
import dev.rstt.schemas.Topic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads a session's records on audio.frames after its last known position, up to the end of the partition as it
 * is when the scan starts, for a take-over without a release (docs/CONTRACT.md section 10). Blocking: run it off the
 * event loops. Bounded by what one holder wrote in a position interval plus what it had in flight.
 */
public final class TailScanner {

  private final Map<String, Object> consumerConfig;
  private final Topic<String, SpecificRecord> audioFrames;
  private final Duration timeout;

  public TailScanner(Map<String, Object> consumerConfig, Topic<String, SpecificRecord> audioFrames,
      Duration timeout) {
    this.consumerConfig = consumerConfig;
    this.audioFrames = audioFrames;
    this.timeout = timeout;
  }

  /** Folds the session's records after {@code from} (its partition and offset; -1 when unknown). */
  public TailFold scan(String sessionId, ResumePoint from) {
    Properties props = new Properties();
    props.putAll(consumerConfig);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    TailFold fold = new TailFold(from);
    try (KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        audioFrames.valueSerde().deserializer())) {
      int partition = from.audioPartition() >= 0 ? from.audioPartition() : partitionOf(consumer, sessionId);
      TopicPartition tp = new TopicPartition(audioFrames.name(), partition);
      consumer.assign(List.of(tp));
      if (from.audioOffset() >= 0) {
        consumer.seek(tp, from.audioOffset() + 1);
      } else {
        consumer.seekToBeginning(List.of(tp));
      }
      long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (consumer.position(tp, timeout) < end) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("scan of " + tp + " did not reach offset " + end + " within " + timeout);
        }
        for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() >= end || !sessionId.equals(r.key())) {
            continue;
          }
          if (r.value() instanceof AudioChunk c) {
            fold.chunk(c.getChannel(), c.getSeq(), c.getOffsetSamples(), Pcm.frames(c.getPcm().remaining(), c.getChannels()),
                c.getAppFramesEnd(), r.partition(), r.offset());
          } else if (r.value() instanceof SessionEnded) {
            fold.ended();
          }
        }
      }
    }
    return fold;
  }

  /** The partition the gateway's producer puts {@code sessionId} on (the default partitioner's murmur2 rule). */
  private int partitionOf(KafkaConsumer<String, SpecificRecord> consumer, String sessionId) {
    int partitions = consumer.partitionsFor(audioFrames.name(), timeout).size();
    return Utils.toPositive(Utils.murmur2(sessionId.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % partitions;
  }
}
