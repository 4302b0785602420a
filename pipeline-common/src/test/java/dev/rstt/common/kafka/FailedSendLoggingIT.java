package dev.rstt.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.rstt.avro.Segment;
import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.Word;
import dev.rstt.schemas.Topics;
import dev.rstt.testsupport.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.LoggingProducerListener;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A send the broker refuses (the record is over the topic's {@code max.message.bytes}): the log names the record
 * by its coordinates and the exception, and no log line, at any level (Spring Kafka and Kafka's producer at TRACE
 * here), carries its transcript text, user id or key, whichever template sent it (a {@link KafkaFactories#template}
 * one, the dead-letter one, Boot's own).
 */
@SpringBootTest(classes = FailedSendLoggingIT.App.class, properties = {
    "logging.level.org.springframework.kafka=TRACE", "logging.level.dev.rstt=TRACE",
    "logging.level.org.apache.kafka.clients.producer=TRACE", "logging.level.org.apache.kafka.streams=TRACE"})
class FailedSendLoggingIT {

  static final String PREFIX = KafkaBroker.uniquePrefix("failedsend");
  static final String EVENTS = PREFIX + Topics.TRANSCRIPT_EVENTS;
  static final String TEXT = "wonderful secret sentence nobody may log";
  static final String USER = "user-who-must-not-be-logged";

  @DynamicPropertySource
  static void kafka(DynamicPropertyRegistry registry) {
    registry.add("spring.kafka.bootstrap-servers", () -> KafkaBroker.shared().bootstrapServers());
    registry.add("rstt.topics.create", () -> "false");
    registry.add("rstt.topics.transcript-events", () -> EVENTS);
  }

  @SpringBootApplication
  static class App {
  }

  @Autowired
  KafkaProperties kafka;
  @Autowired
  Topics topics;
  @Autowired
  ApplicationContext context;
  @Autowired
  @Qualifier("deadLetterTemplate")
  KafkaTemplate<Object, Object> deadLetters;
  @Autowired
  @Qualifier("kafkaTemplate")
  KafkaTemplate<Object, Object> bootTemplate;

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void capture() throws Exception {
    try (Admin admin = KafkaBroker.shared().admin()) {
      admin.createTopics(List.of(new NewTopic(EVENTS, 1, (short) 1).configs(Map.of("max.message.bytes", "512"))))
          .all().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(org.apache.kafka.common.errors.TopicExistsException.class);
    }
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void release() {
    root.detachAppender(logs);
  }

  @Test
  void shouldLogAFailedSendByCoordinatesAndNeverItsContent() {
    assertThat(context.getBeansOfType(LoggingProducerListener.class)).as("Spring's payload-logging listener").isEmpty();
    KafkaTemplate<String, SpecificRecord> template = KafkaFactories.template(kafka, topics.transcriptEvents(),
        Map.of());
    try {
      assertRefusedAndLoggedByCoordinates(() -> template.send(EVENTS, "session-1", segments()).get(30,
          TimeUnit.SECONDS));
    } finally {
      template.destroy();
    }
    byte[] bytes = topics.transcriptEvents().valueSerde().serializer().serialize(EVENTS, segments());
    assertRefusedAndLoggedByCoordinates(() -> deadLetters.send(new ProducerRecord<>(EVENTS, "session-1", bytes))
        .get(30, TimeUnit.SECONDS));
    assertRefusedAndLoggedByCoordinates(() -> bootTemplate.send(EVENTS, "session-1", new String(bytes,
        java.nio.charset.StandardCharsets.ISO_8859_1)).get(30, TimeUnit.SECONDS));
  }

  private interface Send {
    Object run() throws Exception;
  }

  private void assertRefusedAndLoggedByCoordinates(Send send) {
    int before = logs.list.size();
    Throwable refused = catchThrowable(send::run);
    assertThat(refused).as("the broker refuses a record over max.message.bytes").isNotNull();
    await().atMost(Duration.ofSeconds(10)).until(() -> logs.list.subList(before, logs.list.size()).stream()
        .anyMatch(e -> e.getFormattedMessage().startsWith("Send to " + EVENTS + "-0")));
    List<ILoggingEvent> lines = new ArrayList<>(logs.list);
    assertThat(lines).filteredOn(e -> e.getFormattedMessage().startsWith("Send to " + EVENTS + "-0")).last()
        .satisfies(e -> assertThat(e.getFormattedMessage()).contains("RecordTooLargeException"));
    for (ILoggingEvent e : lines) {
      String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
          : ThrowableProxyUtil.asString(e.getThrowableProxy()));
      assertThat(line).as("log line of %s at %s", e.getLoggerName(), e.getLevel())
          .doesNotContain("secret sentence").doesNotContain(USER).doesNotContain("session-1");
    }
  }

  /** Over 512 bytes once encoded, with transcript text and a user id in it. */
  private static SegmentsProduced segments() {
    List<Word> words = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      text.append(i == 0 ? "" : " ").append(TEXT);
      words.add(new Word(TEXT, (double) i, i + 0.5, 1.0f));
    }
    Segment segment = new Segment(text.toString(), "SPEAKER_0", 0, false, 0.0, 20.0, words);
    return SegmentsProduced.newBuilder().setSessionId("session-1").setUserId(USER).setSttSession("stt-1")
        .setMode("live").setSttProvider("deepgram").setSeq(0).setCoveredFromSamples(0).setCoveredToSamples(320000)
        .setSampleRate(16000).setSegments(new ArrayList<>(List.of(segment))).setProducedAtMs(1).build();
  }
}
