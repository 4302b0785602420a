package dev.rstt.e2e;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.LiveResumed;
import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.StatusChanged;
import dev.rstt.schemas.Topics;
import dev.rstt.schemas.ValueSerdeProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * For a failing session: its records on {@code audio.degraded} and {@code transcript.events}, one line each, in
 * partition order (audio ranges, statuses with offsets, segments with their words' times), so a test report
 * shows how the session was switched and merged.
 */
final class SessionTimeline {

  private SessionTimeline() {
  }

  /**
   * How a session was switched and what its transcriptions held, from its records on {@code transcript.events}:
   * live connections and batch chunks (stt_sessions), degraded episodes and recoveries announced, and fragment
   * tokens (the emulator's realism: {@code [0-9]{1,3}} or {@code w[0-9]{0,2}}) the workers published.
   */
  record Switches(int liveConnections, int batchChunks, int degraded, int recovered, int fragments) {

    Switches plus(Switches o) {
      return new Switches(liveConnections + o.liveConnections, batchChunks + o.batchChunks, degraded + o.degraded,
          recovered + o.recovered, fragments + o.fragments);
    }

    /** Changes of path: every episode announced and every recovery. */
    int switches() {
      return degraded + recovered;
    }

    @Override
    public String toString() {
      return String.format("%d live connections, %d batch chunks, %d stt_degraded, %d stt_recovered, %d fragments",
          liveConnections, batchChunks, degraded, recovered, fragments);
    }
  }

  static final Switches NONE = new Switches(0, 0, 0, 0, 0);

  private static final java.util.regex.Pattern FRAGMENT = java.util.regex.Pattern.compile("[0-9]{1,3}|w[0-9]{0,2}");

  static Switches switches(Stack stack, String sessionId) {
    Topics topics = topics(stack);
    java.util.Set<String> live = new java.util.HashSet<>();
    java.util.Set<String> batch = new java.util.HashSet<>();
    int[] counts = new int[3];
    read(stack, topics.transcriptEvents().name(), topics.transcriptEvents().valueSerde().deserializer(), sessionId,
        (offset, value) -> {
          if (value instanceof SegmentsProduced p) {
            (p.getMode().equals("live") ? live : batch).add(p.getSttSession());
            p.getSegments().forEach(seg -> seg.getWords().forEach(w -> {
              if (FRAGMENT.matcher(w.getText().replaceAll("[^A-Za-z0-9]", "").toLowerCase()).matches()) {
                counts[2]++;
              }
            }));
          } else if (value instanceof StatusChanged c && c.getStatus().equals("stt_degraded")) {
            counts[0]++;
          } else if (value instanceof StatusChanged c && c.getStatus().equals("stt_recovered")) {
            counts[1]++;
          }
        });
    return new Switches(live.size(), batch.size(), counts[0], counts[1], counts[2]);
  }

  private static Topics topics(Stack stack) {
    return Topics.of(Map.of(Topics.AUDIO_DEGRADED, stack.prefix + Topics.AUDIO_DEGRADED,
        Topics.TRANSCRIPT_EVENTS, stack.prefix + Topics.TRANSCRIPT_EVENTS), ValueSerdeProvider.avroSingleObject());
  }

  static String of(Stack stack, String sessionId) {
    Topics topics = topics(stack);
    StringBuilder out = new StringBuilder();
    out.append("  audio.degraded of ").append(sessionId).append('\n');
    read(stack, topics.audioDegraded().name(), topics.audioDegraded().valueSerde().deserializer(), sessionId,
        (offset, value) -> out.append("    @").append(offset).append(' ').append(describe(value)).append('\n'));
    out.append("  transcript.events of ").append(sessionId).append('\n');
    read(stack, topics.transcriptEvents().name(), topics.transcriptEvents().valueSerde().deserializer(), sessionId,
        (offset, value) -> out.append("    @").append(offset).append(' ').append(describe(value)).append('\n'));
    return out.toString();
  }

  private static void read(Stack stack, String topic, Deserializer<SpecificRecord> values, String sessionId,
      java.util.function.BiConsumer<Long, SpecificRecord> each) {
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "timeline-" + UUID.randomUUID(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic)) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.currentTimeMillis() + 20_000;
      while (System.currentTimeMillis() < deadline && partitions.stream()
          .anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (sessionId.equals(r.key())) {
            each.accept(r.offset(), values.deserialize(r.topic(), r.headers(), r.value()));
          }
        }
      }
    }
  }

  private static String describe(SpecificRecord value) {
    if (value instanceof AudioChunk c) {
      long frames = c.getPcm().remaining() / (2L * c.getChannels());
      return String.format("audio seq %d [%.3f, %.3f)", c.getSeq(), s(c.getOffsetSamples(), c.getSampleRate()),
          s(c.getOffsetSamples() + frames, c.getSampleRate()));
    }
    if (value instanceof LiveResumed r) {
      return String.format("LiveResumed at %.3f%s live %s", s(r.getResumeOffsetSamples(), r.getSampleRate()),
          r.getColdTakeover() ? " (cold)" : "", r.getLiveSttSession());
    }
    if (value instanceof SessionEnded e) {
      return String.format("SessionEnded at %.3f (%s)", s(e.getEndOffsetSamples(), e.getSampleRate()), e.getReason());
    }
    if (value instanceof StatusChanged c) {
      int rate = c.getSampleRate() == null ? 16000 : c.getSampleRate();
      return String.format("status %s at %s%s %s", c.getStatus(),
          c.getAtOffsetSamples() == null ? "-" : String.format("%.3f", s(c.getAtOffsetSamples(), rate)),
          c.getSttSession() == null ? "" : " stt " + c.getSttSession(), c.getMetadata());
    }
    if (value instanceof SegmentsProduced p) {
      StringBuilder words = new StringBuilder();
      p.getSegments().forEach(seg -> seg.getWords().forEach(w -> words.append(' ').append(w.getText())
          .append(String.format("[%.3f-%.3f]", w.getStart(), w.getEnd()))));
      return String.format("%s %s#%d covers [%.3f, %.3f):%s", p.getMode(), p.getSttSession(), p.getSeq(),
          s(p.getCoveredFromSamples(), p.getSampleRate()), s(p.getCoveredToSamples(), p.getSampleRate()), words);
    }
    return value.getClass().getSimpleName();
  }

  private static double s(long samples, int rate) {
    return (double) samples / rate;
  }
}
