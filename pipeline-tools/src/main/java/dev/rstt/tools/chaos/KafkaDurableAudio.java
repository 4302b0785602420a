package dev.rstt.tools.chaos;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.SessionEnded;
import dev.rstt.schemas.Topics;
import dev.rstt.schemas.ValueSerdeProvider;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads what Kafka holds of given sessions in {@code audio.frames} ({@link DurablePosition}): the partition of each
 * session key (as the producer's default partitioner chose it), from a little before the session started, to the end.
 */
public final class KafkaDurableAudio {

  private final String bootstrap;
  private final String topic;

  public KafkaDurableAudio(String bootstrap, String topic) {
    this.bootstrap = bootstrap;
    this.topic = topic;
  }

  /** Session id to the epoch ms it started; answers the position of each (absent: nothing found). */
  public Map<String, DurablePosition> positions(Map<String, Long> sessionsStartedAt) {
    Map<String, DurablePosition> out = new HashMap<>();
    if (sessionsStartedAt.isEmpty()) {
      return out;
    }
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    Deserializer<SpecificRecord> values = Topics.of(Map.of(Topics.AUDIO_FRAMES, topic),
        ValueSerdeProvider.avroSingleObject()).audioFrames().valueSerde().deserializer();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      int count = partitions.size();
      Map<TopicPartition, Long> fromMs = new HashMap<>();
      Map<TopicPartition, List<String>> sessionsOf = new HashMap<>();
      sessionsStartedAt.forEach((id, at) -> {
        int partition = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % count;
        TopicPartition tp = new TopicPartition(topic, partition);
        fromMs.merge(tp, at - 60_000, Math::min);
        sessionsOf.computeIfAbsent(tp, k -> new ArrayList<>()).add(id);
      });
      for (TopicPartition tp : fromMs.keySet()) {
        Map<String, TreeMap<Long, Long>> chunks = new HashMap<>(); // session -> offset -> frames (the longest)
        Map<String, Boolean> ended = new HashMap<>();
        consumer.assign(List.of(tp));
        OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(tp, fromMs.get(tp)), Duration.ofSeconds(30))
            .get(tp);
        long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
        if (start == null) {
          continue;
        }
        consumer.seek(tp, start.offset());
        while (consumer.position(tp, Duration.ofSeconds(30)) < end) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(2))) {
            if (!sessionsOf.get(tp).contains(r.key())) {
              continue;
            }
            SpecificRecord value = values.deserialize(topic, r.value());
            if (value instanceof AudioChunk c) {
              int channels = Math.max(1, c.getChannels());
              chunks.computeIfAbsent(r.key(), k -> new TreeMap<>()).merge(c.getOffsetSamples(),
                  c.getPcm().remaining() / (2L * channels), Math::max);
            } else if (value instanceof SessionEnded) {
              ended.put(r.key(), true);
            }
          }
        }
        for (String id : sessionsOf.get(tp)) {
          long endSample = 0;
          int n = 0;
          for (Map.Entry<Long, Long> e : chunks.getOrDefault(id, new TreeMap<>()).entrySet()) {
            if (e.getKey() > endSample) {
              break; // a gap in the timeline: the audio without one from sample 0 ends here
            }
            endSample = Math.max(endSample, e.getKey() + e.getValue());
            n++;
          }
          out.put(id, new DurablePosition(endSample, n, ended.getOrDefault(id, false)));
        }
      }
    }
    return out;
  }
}
