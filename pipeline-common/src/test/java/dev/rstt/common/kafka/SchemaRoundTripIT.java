package dev.rstt.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.LiveResumed;
import dev.rstt.avro.Segment;
import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.SessionStarted;
import dev.rstt.avro.SessionUpdate;
import dev.rstt.avro.StatusChanged;
import dev.rstt.avro.StatusEvent;
import dev.rstt.avro.TranscriptSegment;
import dev.rstt.avro.Word;
import dev.rstt.schemas.SchemaStore;
import dev.rstt.schemas.Topic;
import dev.rstt.schemas.Topics;
import dev.rstt.schemas.ValueSerdeProvider;
import dev.rstt.testsupport.KafkaBroker;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Every record of every topic through a real broker, with the catalogue's serdes; and an old-version record read by the current one. */
class SchemaRoundTripIT {

  private final KafkaBroker broker = KafkaBroker.shared();

  @Test
  void shouldRoundTripEveryRecordTypeThroughTheBroker() throws Exception {
    String prefix = KafkaBroker.uniquePrefix("roundtrip");
    Topics topics = Topics.of(Map.of(
        Topics.AUDIO_FRAMES, prefix + Topics.AUDIO_FRAMES,
        Topics.AUDIO_DEGRADED, prefix + Topics.AUDIO_DEGRADED,
        Topics.TRANSCRIPT_EVENTS, prefix + Topics.TRANSCRIPT_EVENTS,
        Topics.SESSION_UPDATES, prefix + Topics.SESSION_UPDATES), ValueSerdeProvider.avroSingleObject());
    topics.all().forEach(t -> broker.createTopics(3, t.name()));

    AudioChunk chunk = AudioChunk.newBuilder().setSessionId("s1").setUserId("u").setSeq(0).setOffsetSamples(0)
        .setSampleRate(16000).setChannels(1).setLanguage("en").setPcm(ByteBuffer.wrap(new byte[] {1, 0, 2, 0}))
        .build();
    SessionStarted started = SessionStarted.newBuilder().setSessionId("s1").setUserId("u").setLanguage("en")
        .setSampleRate(16000).setChannels(1).setCodec("pcm16").setStartedAtMs(1L).build();
    SessionEnded ended = SessionEnded.newBuilder().setSessionId("s1").setLastSeq(0).setEndOffsetSamples(2)
        .setSampleRate(16000).setReason("stop").build();
    LiveResumed resumed = LiveResumed.newBuilder().setSessionId("s1").setResumeOffsetSamples(16000)
        .setSampleRate(16000).setLiveSttSession("01J").build();
    SegmentsProduced segments = SegmentsProduced.newBuilder().setSessionId("s1").setSttSession("01J")
        .setMode("live").setSeq(0).setCoveredFromSamples(0).setCoveredToSamples(16000).setSampleRate(16000)
        .setProducedAtMs(5L)
        .setSegments(List.of(Segment.newBuilder().setText("W042.").setSpeaker("SPEAKER_0").setSpeakerId(0)
            .setStart(0.1).setEnd(0.36).setWords(List.of(Word.newBuilder().setText("W042.").setStart(0.1)
                .setEnd(0.36).build())).build()))
        .build();
    StatusChanged status = StatusChanged.newBuilder().setSessionId("s1").setStatus("stt_degraded")
        .setMetadata(Map.of("batch_mode", "true")).setOccurredAtMs(9L).build();
    SessionUpdate update = SessionUpdate.newBuilder().setSessionId("s1").setRevision(3)
        .setSegments(List.of(TranscriptSegment.newBuilder().setId("a").setText("W042.").setSpeaker("SPEAKER_0")
            .setSpeakerId(0).setIsUser(false).setStart(0.1).setEnd(0.36).build()))
        .setStatus(StatusEvent.newBuilder().setStatus("ready").build()).setComplete(true).build();

    assertThat(roundTrip(topics.audioFrames(), List.of(started, chunk, ended))).containsExactly(started, chunk, ended);
    assertThat(roundTrip(topics.audioDegraded(), List.of(chunk, resumed, ended))).containsExactly(chunk, resumed, ended);
    assertThat(roundTrip(topics.transcriptEvents(), List.of(segments, status))).containsExactly(segments, status);
    assertThat(roundTrip(topics.sessionUpdates(), List.of(update))).containsExactly(update);
  }

  @Test
  void shouldReadARecordWrittenWithAnOlderSchemaVersionFromTheBroker() throws Exception {
    String topic = KafkaBroker.uniquePrefix("oldversion") + Topics.AUDIO_FRAMES;
    broker.createTopics(1, topic);
    Schema v1 = SchemaStore.released().versionsOf(AudioChunk.getClassSchema().getFullName()).get(0);
    GenericRecord old = new GenericData.Record(v1);
    old.put("session_id", "old");
    old.put("user_id", null);
    old.put("seq", 4L);
    old.put("offset_samples", 6400L);
    old.put("sample_rate", 8000);
    old.put("channels", 1);
    old.put("language", "en");
    old.put("pcm", ByteBuffer.wrap(new byte[] {7, 7}));
    ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
    byte[] value = new byte[bytes.remaining()];
    bytes.get(value);

    Properties props = producerProps();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, "old", value)).get();
    }
    Topic<String, SpecificRecord> frames = Topics.of(Map.of(Topics.AUDIO_FRAMES, topic),
        ValueSerdeProvider.avroSingleObject()).audioFrames();

    List<SpecificRecord> read = consume(frames, 1);

    AudioChunk chunk = (AudioChunk) read.get(0);
    assertThat(chunk.getSessionId()).isEqualTo("old");
    assertThat(chunk.getOffsetSamples()).isEqualTo(6400L);
    assertThat(chunk.getReceivedAtMs()).isNull();
  }

  private <V> List<V> roundTrip(Topic<String, V> topic, List<V> records) throws Exception {
    try (KafkaProducer<String, V> producer = new KafkaProducer<>(producerProps(),
        topic.keySerde().serializer(), topic.valueSerde().serializer())) {
      for (V record : records) {
        producer.send(new ProducerRecord<>(topic.name(), "s1", record)).get();
      }
    }
    return consume(topic, records.size());
  }

  private <V> List<V> consume(Topic<String, V> topic, int count) {
    Properties props = new Properties();
    props.putAll(broker.clientProperties());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "roundtrip-" + topic.name());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<V> values = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, topic.keySerde().deserializer(),
        topic.valueSerde().deserializer())) {
      consumer.subscribe(List.of(topic.name()));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
      }
    }
    return values;
  }

  private Properties producerProps() {
    Properties props = new Properties();
    props.putAll(broker.clientProperties());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return props;
  }
}
