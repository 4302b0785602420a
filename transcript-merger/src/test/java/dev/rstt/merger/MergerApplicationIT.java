package dev.rstt.merger;

import static dev.rstt.merger.Events.produced;
import static dev.rstt.merger.Events.segment;
import static dev.rstt.merger.Events.status;
import static dev.rstt.merger.Events.word;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.schemas.Topics;
import dev.rstt.testsupport.KafkaBroker;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The whole service on a real broker: topics created, streams running, transcript reads and actuator over HTTP. */
@SpringBootTest(classes = MergerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@DirtiesContext // close Kafka Streams before the JVM's shutdown hooks stop the shared broker
class MergerApplicationIT {

  static final KafkaBroker BROKER = KafkaBroker.shared();
  static final String PREFIX = KafkaBroker.uniquePrefix("MergerApplicationIT");
  static final int PORT = freePort();
  static final String S = "01SESSIONAPP00000000000001";

  @Autowired
  Topics topics;

  final HttpClient http = HttpClient.newHttpClient();
  final JsonMapper json = JsonMapper.builder().build();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("server.port", () -> PORT);
    registry.add("spring.kafka.bootstrap-servers", BROKER::bootstrapServers);
    registry.add("rstt.topics.audio-frames", () -> PREFIX + "audio.frames");
    registry.add("rstt.topics.audio-degraded", () -> PREFIX + "audio.degraded");
    registry.add("rstt.topics.transcript-events", () -> PREFIX + "transcript.events");
    registry.add("rstt.topics.session-updates", () -> PREFIX + "session.updates");
    registry.add("rstt.topics.partitions", () -> 2);
    registry.add("rstt.merger.application-id", () -> PREFIX + "merger");
    registry.add("rstt.merger.state-dir", () -> Path.of("target", "it-state", PREFIX).toAbsolutePath().toString());
    registry.add("rstt.merger.application-server", () -> "localhost:" + PORT);
    registry.add("rstt.merger.instance-id", () -> "app-it");
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + PORT + path))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldServeTheMergedTranscriptOverHttp() throws Exception {
    Map<String, Object> props = new HashMap<>(BROKER.clientProperties());
    try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(props, new StringSerializer(),
        topics.transcriptEvents().valueSerde().serializer())) {
      for (SpecificRecord r : new SpecificRecord[] {
          status(S, "ready"),
          produced(S, "01LIVE00000000000000000001", 0, segment("SPEAKER_1", word("Hello", 0.5, 0.8))),
          produced(S, "01LIVE00000000000000000001", 1, segment("SPEAKER_1", word("world.", 0.9, 1.3))),
          status(S, "live_finished")}) {
        producer.send(new ProducerRecord<>(topics.transcriptEvents().name(), S, r));
      }
    }
    JsonNode body = await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
      HttpResponse<String> response = get("/internal/sessions/" + S + "/transcript");
      return response.statusCode() == 200 ? json.readTree(response.body()) : null;
    }, b -> b != null && b.get("complete").asBoolean());
    assertThat(body.get("session_id").asString()).isEqualTo(S);
    assertThat(body.get("user_id").asString()).isEqualTo(Events.USER);
    JsonNode segment = body.get("segments").get(0);
    assertThat(body.get("segments").size()).isEqualTo(1);
    assertThat(segment.get("text").asString()).isEqualTo("Hello world.");
    assertThat(segment.get("speaker").asString()).isEqualTo("SPEAKER_1");
    assertThat(segment.get("speaker_id").asInt()).isEqualTo(1);
    assertThat(segment.get("is_user").asBoolean()).isFalse();
    assertThat(segment.get("person_id").isNull()).isTrue();
    assertThat(segment.get("start").asDouble()).isEqualTo(0.5);
    assertThat(segment.get("end").asDouble()).isEqualTo(1.3);
    assertThat(segment.get("stt_provider").asString()).isEqualTo("deepgram");
    assertThat(segment.get("stt_session").asString()).isEqualTo("01LIVE00000000000000000001");
    assertThat(segment.has("id")).isTrue();
    assertThat(body.get("statuses").size()).isEqualTo(1);
    assertThat(body.get("statuses").get(0).get("status").asString()).isEqualTo("ready");
    assertThat(body.get("statuses").get(0).has("occurred_at_ms")).isTrue();

    assertThat(get("/internal/sessions/01UNKNOWN00000000000000000/transcript").statusCode()).isEqualTo(404);
    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"kafkaStreams\"").contains("RUNNING");
    HttpResponse<String> prometheus = get("/actuator/prometheus");
    assertThat(prometheus.statusCode()).isEqualTo(200);
    assertThat(prometheus.body()).contains("rstt_merger_updates_total");
  }
}
