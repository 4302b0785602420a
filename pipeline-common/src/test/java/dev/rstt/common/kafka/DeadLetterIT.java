package dev.rstt.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.avro.SessionStarted;
import dev.rstt.schemas.Topics;
import dev.rstt.testsupport.KafkaBroker;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** An undecodable record: a WARN line with coordinates, the bytes on the dead-letter topic, and the consumer goes on. */
@SpringBootTest(classes = DeadLetterIT.App.class)
class DeadLetterIT {

  static final String PREFIX = KafkaBroker.uniquePrefix("deadletter");
  static final String FRAMES = PREFIX + Topics.AUDIO_FRAMES;

  @DynamicPropertySource
  static void kafka(DynamicPropertyRegistry registry) {
    registry.add("spring.kafka.bootstrap-servers", () -> KafkaBroker.shared().bootstrapServers());
    registry.add("spring.kafka.consumer.auto-offset-reset", () -> "earliest");
    registry.add("rstt.topics.audio-frames", () -> FRAMES);
    registry.add("rstt.topics.audio-degraded", () -> PREFIX + Topics.AUDIO_DEGRADED);
    registry.add("rstt.topics.transcript-events", () -> PREFIX + Topics.TRANSCRIPT_EVENTS);
    registry.add("rstt.topics.session-updates", () -> PREFIX + Topics.SESSION_UPDATES);
    registry.add("rstt.topics.partitions", () -> "2");
  }

  @SpringBootApplication
  static class App {
    final List<SpecificRecord> received = new CopyOnWriteArrayList<>();

    @Bean
    static ConcurrentKafkaListenerContainerFactory<String, SpecificRecord> framesFactory(KafkaProperties kafka,
        Topics topics, CommonErrorHandler errorHandler) {
      return KafkaFactories.listenerFactory(kafka, topics.audioFrames(), errorHandler, Map.of());
    }

    @KafkaListener(topics = "${rstt.topics.audio-frames}", groupId = "deadletter-it",
        containerFactory = "framesFactory")
    void onFrame(SpecificRecord record) {
      received.add(record);
    }
  }

  @Autowired
  App app;

  @Autowired
  Topics topics;

  @Autowired
  MeterRegistry meters;

  @Test
  void shouldDeadLetterAnUndecodableRecordAndGoOn() throws Exception {
    SessionStarted valid = SessionStarted.newBuilder().setSessionId("s9").setUserId("u").setLanguage("en")
        .setSampleRate(16000).setChannels(1).setCodec("pcm16").setStartedAtMs(1L).build();
    Properties props = new Properties();
    props.putAll(KafkaBroker.shared().clientProperties());
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
        new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(FRAMES, "s9", "garbage!".getBytes(StandardCharsets.UTF_8))).get();
      producer.send(new ProducerRecord<>(FRAMES, "s9",
          topics.audioFrames().valueSerde().serializer().serialize(FRAMES, valid))).get();
    }

    await().atMost(Duration.ofSeconds(60)).until(() -> app.received.contains(valid));
    assertThat(app.received).containsExactly(valid);

    ConsumerRecord<byte[], byte[]> dead = readOne(DeadLetters.deadLetterTopic(FRAMES));
    assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("garbage!");
    assertThat(header(dead, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(FRAMES);
    assertThat(header(dead, KafkaHeaders.DLT_EXCEPTION_STACKTRACE)).contains("Not Avro single-object encoded");
    assertThat(dead.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_OFFSET)).isNotNull();
    assertThat(dead.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_PARTITION)).isNotNull();
    assertThat(meters.get(DeadLetters.METRIC).tag("topic", FRAMES).counter().count()).isEqualTo(1.0);
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    assertThat(header).as("header %s", name).isNotNull();
    return new String(header.value(), StandardCharsets.UTF_8);
  }

  private static ConsumerRecord<byte[], byte[]> readOne(String topic) {
    Properties props = new Properties();
    props.putAll(KafkaBroker.shared().clientProperties());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlt-reader");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      return await().atMost(Duration.ofSeconds(30)).until(() -> {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
        return records.isEmpty() ? null : records.iterator().next();
      }, r -> r != null);
    }
  }
}
