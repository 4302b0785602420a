package dev.rstt.merger;

import static dev.rstt.merger.Events.produced;
import static dev.rstt.merger.Events.segment;
import static dev.rstt.merger.Events.status;
import static dev.rstt.merger.Events.word;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rstt.merger.topology.MergerTopology;
import dev.rstt.schemas.Topics;
import dev.rstt.testsupport.KafkaBroker;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole service on a real broker, twice: two merger instances share the work (one partition each); a
 * transcript read sent to either instance is answered, by the instance holding the session or forwarded to it;
 * the JSON has the fields the gateway relies on; health and prometheus are exposed.
 */
class MergerApplicationIT {

  static {
    InProcessBrokerExit.keepJvmAlive();
  }

  static final KafkaBroker BROKER = KafkaBroker.shared();
  final String prefix = KafkaBroker.uniquePrefix("MergerApplicationIT");
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  final JsonMapper json = JsonMapper.builder().build();

  static final String SECRET = "merger-tests-internal-secret-0123456789";
  private static final String BEARER = "Bearer " + SECRET;

  private ConfigurableApplicationContext start(int port, String instance) {
    return new SpringApplicationBuilder(MergerApplication.class).run(args(port, instance, "--rstt.internal.secret="
        + SECRET));
  }

  private String[] args(int port, String instance, String... more) {
    List<String> args = new ArrayList<>(List.of(
        "--server.port=" + port,
        "--spring.kafka.bootstrap-servers=" + BROKER.bootstrapServers(),
        "--rstt.topics.audio-frames=" + prefix + "audio.frames",
        "--rstt.topics.audio-degraded=" + prefix + "audio.degraded",
        "--rstt.topics.transcript-events=" + prefix + "transcript.events",
        "--rstt.topics.session-updates=" + prefix + "session.updates",
        "--rstt.topics.partitions=2",
        "--rstt.merger.application-id=" + prefix + "merger",
        "--rstt.merger.state-dir=" + Path.of("target", "it-state", prefix + instance).toAbsolutePath(),
        "--rstt.merger.application-server=127.0.0.1:" + port,
        "--rstt.merger.instance-id=" + instance));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /** Session ids landing on partition 0 and partition 1 of a two-partition topic. */
  private static List<String> oneSessionPerPartition() {
    String[] found = new String[2];
    for (int i = 0; found[0] == null || found[1] == null; i++) {
      String id = String.format("01SESSIONFWD%014d", i);
      int partition = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % 2;
      if (found[partition] == null) {
        found[partition] = id;
      }
    }
    return List.of(found[0], found[1]);
  }

  private HttpResponse<String> get(int port, String session) throws Exception {
    return getPath(port, "/internal/sessions/" + session + "/transcript", BEARER);
  }

  private HttpResponse<String> getPath(int port, String path, String... authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).GET();
    for (String value : authorization) {
      request.header("Authorization", value);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int activePort(ConfigurableApplicationContext context, String session) {
    KafkaStreams streams = context.getBean(MergerStreams.class).streams();
    KeyQueryMetadata where = streams.queryMetadataForKey(MergerTopology.TRANSCRIPTS_STORE, session,
        Serdes.String().serializer());
    return where.activeHost().port();
  }

  private static void assertTranscript(JsonNode body, String session) {
    assertThat(body.get("session_id").asString()).isEqualTo(session);
    assertThat(body.get("user_id").asString()).isEqualTo(Events.USER);
    assertThat(body.get("segments").size()).isEqualTo(2);
    assertThat(body.get("segments").get(1).get("text").asString()).isEqualTo("Bye.");
    assertThat(body.get("next").isNull()).as("one page holds it all").isTrue();
    JsonNode segment = body.get("segments").get(0);
    assertThat(segment.get("text").asString()).isEqualTo("Hello world.");
    assertThat(segment.get("speaker").asString()).isEqualTo("SPEAKER_1");
    assertThat(segment.get("speaker_id").asInt()).isEqualTo(1);
    assertThat(segment.get("is_user").asBoolean()).isFalse();
    assertThat(segment.get("person_id").isNull()).isTrue();
    assertThat(segment.get("start").asDouble()).isEqualTo(0.5);
    assertThat(segment.get("end").asDouble()).isEqualTo(1.3);
    assertThat(segment.get("stt_provider").asString()).isEqualTo("deepgram");
    assertThat(segment.get("stt_session").asString()).isEqualTo("01LIVE00000000000000000001");
    assertThat(segment.get("id").asString()).isNotBlank();
    assertThat(body.get("statuses").size()).isEqualTo(1);
    assertThat(body.get("statuses").get(0).get("status").asString()).isEqualTo("ready");
    assertThat(body.get("statuses").get(0).get("occurred_at_ms").asLong()).isEqualTo(5_000L);
  }

  /** Pages of one segment, through the owner or forwarded there; bad paging parameters are a clear 400. */
  private void assertPages(int port, String session, JsonNode whole) throws Exception {
    String path = "/internal/sessions/" + session + "/transcript";
    JsonNode first = json.readTree(getPath(port, path + "?limit=1", BEARER).body());
    assertThat(first.get("segments").size()).isEqualTo(1);
    assertThat(first.get("segments").get(0)).isEqualTo(whole.get("segments").get(0));
    assertThat(first.get("statuses")).isEqualTo(whole.get("statuses"));
    String next = first.get("next").asString();
    assertThat(next).isEqualTo(whole.get("segments").get(0).get("id").asString());
    JsonNode second = json.readTree(getPath(port, path + "?after=" + next + "&limit=1", BEARER).body());
    assertThat(second.get("segments").size()).isEqualTo(1);
    assertThat(second.get("segments").get(0)).isEqualTo(whole.get("segments").get(1));
    assertThat(second.get("statuses").size()).as("statuses come with the first page").isZero();
    assertThat(second.get("next").isNull()).isTrue();
    HttpResponse<String> badLimit = getPath(port, path + "?limit=0", BEARER);
    assertThat(badLimit.statusCode()).isEqualTo(400);
    assertThat(json.readTree(badLimit.body()).get("error").asString()).isEqualTo("bad_limit");
    HttpResponse<String> unknown = getPath(port, path + "?after=no-such-segment", BEARER);
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(json.readTree(unknown.body()).get("error").asString()).isEqualTo("unknown_cursor");
  }

  @Test
  void shouldAnswerFromEitherInstanceByForwardingToTheOwner() throws Exception {
    int portA = freePort();
    int portB = freePort();
    List<ConfigurableApplicationContext> apps = new ArrayList<>();
    try {
      apps.add(start(portA, "fwd-a"));
      apps.add(start(portB, "fwd-b"));
      ConfigurableApplicationContext a = apps.get(0);
      ConfigurableApplicationContext b = apps.get(1);
      List<String> sessions = oneSessionPerPartition();
      // Both instances own one partition once the rebalance has settled.
      await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() ->
          a.getBean(MergerStreams.class).streams().state() == KafkaStreams.State.RUNNING
              && b.getBean(MergerStreams.class).streams().state() == KafkaStreams.State.RUNNING
              && activePort(a, sessions.get(0)) != activePort(a, sessions.get(1)));

      Topics topics = a.getBean(Topics.class);
      try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(
          Map.<String, Object>of("bootstrap.servers", BROKER.bootstrapServers()), new StringSerializer(),
          topics.transcriptEvents().valueSerde().serializer())) {
        for (String s : sessions) {
          for (SpecificRecord r : new SpecificRecord[] {
              status(s, "ready"),
              produced(s, "01LIVE00000000000000000001", 0, segment("SPEAKER_1", word("Hello", 0.5, 0.8))),
              produced(s, "01LIVE00000000000000000001", 1, segment("SPEAKER_1", word("world.", 0.9, 1.3))),
              produced(s, "01LIVE00000000000000000001", 2, segment("SPEAKER_2", word("Bye.", 5.0, 5.4))),
              status(s, "live_finished")}) {
            producer.send(new ProducerRecord<>(topics.transcriptEvents().name(), s, r));
          }
        }
      }
      for (String s : sessions) {
        for (int port : new int[] {portA, portB}) {
          JsonNode body = await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            HttpResponse<String> response = get(port, s);
            return response.statusCode() == 200 ? json.readTree(response.body()) : null;
          }, r -> r != null && r.get("complete").asBoolean());
          assertTranscript(body, s);
          assertPages(port, s, body);
        }
      }
      // A page larger than WebClient's default buffer (256 KiB) comes back whole when forwarded.
      String big = sessions.get(0);
      try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(
          Map.<String, Object>of("bootstrap.servers", BROKER.bootstrapServers()), new StringSerializer(),
          topics.transcriptEvents().valueSerde().serializer())) {
        for (int i = 0; i < 1000; i++) {
          String text = "w" + i + "x".repeat(400) + ".";
          producer.send(new ProducerRecord<>(topics.transcriptEvents().name(), big, produced(big,
              "01LIVE00000000000000000002", i, segment("SPEAKER_" + (i % 2), word(text, 10 + i, 10.5 + i)))));
        }
      }
      for (int port : new int[] {portA, portB}) {
        JsonNode page = await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
          HttpResponse<String> response = getPath(port, "/internal/sessions/" + big + "/transcript?limit=1000", BEARER);
          return response.statusCode() == 200 ? json.readTree(response.body()) : null;
        }, p -> p != null && p.get("segments").size() == 1000);
        assertThat(page.toString().length()).isGreaterThan(400_000);
        assertThat(page.get("next").asString()).isEqualTo(page.get("segments").get(999).get("id").asString());
      }
      // Each instance held only one of the two sessions, so one answer of each instance was forwarded.
      assertThat(List.of(activePort(a, sessions.get(0)), activePort(a, sessions.get(1))))
          .containsExactlyInAnyOrder(portA, portB);
      assertThat(get(portA, "01UNKNOWNSESSION0000000000").statusCode()).isEqualTo(404);
      assertThat(get(portB, "01UNKNOWNSESSION0000000000").statusCode()).isEqualTo(404);
      // the internal API answers only the internal credential (the forwarded reads above carried it)
      for (int port : new int[] {portA, portB}) {
        String path = "/internal/sessions/" + sessions.get(0) + "/transcript";
        assertThat(getPath(port, path).statusCode()).as("no credential").isEqualTo(401);
        assertThat(getPath(port, path, "Bearer " + SECRET.substring(1)).statusCode()).as("wrong").isEqualTo(401);
        assertThat(getPath(port, path, "Bearer " + SECRET + "0").statusCode()).as("longer").isEqualTo(401);
        assertThat(getPath(port, path, SECRET).statusCode()).as("not a bearer").isEqualTo(401);
        assertThat(getPath(port, path).headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v ->
            assertThat(v).startsWith("Bearer"));
        assertThat(getPath(port, path).body()).isEmpty();
      }
      HttpResponse<String> health = getPath(portA, "/actuator/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"kafkaStreams\"").contains("RUNNING");
      HttpResponse<String> prometheus = getPath(portB, "/actuator/prometheus");
      assertThat(prometheus.statusCode()).isEqualTo(200);
      assertThat(prometheus.body()).contains("rstt_merger_updates_total");
    } finally {
      apps.forEach(ConfigurableApplicationContext::close);
    }
  }

  @Test
  void shouldNotStartWithoutTheInternalSecretOutsideDevelopmentMode() {
    int port = freePort();
    assertThatThrownBy(() -> new SpringApplicationBuilder(MergerApplication.class).run(args(port, "no-secret")))
        .hasStackTraceContaining("rstt.internal.secret").hasStackTraceContaining("RSTT_INTERNAL_SECRET");
    assertThatThrownBy(() -> new SpringApplicationBuilder(MergerApplication.class).run(args(port, "short-secret",
        "--rstt.internal.secret=too-short"))).hasStackTraceContaining("rstt.internal.secret");
  }
}
