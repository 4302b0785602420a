package dev.rstt.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.merger.Events;
import dev.rstt.merger.LongSession;
import dev.rstt.schemas.Topic;
import dev.rstt.schemas.Topics;
import dev.rstt.schemas.ValueSerdeProvider;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A day-long session read back through the gateway (docs/CONTRACT.md section 6.8): one session of 50,000 words (8
 * hours of speech with a degraded episode every 30 minutes, the merger tests' {@link LongSession}), replayed as fast
 * as the real merger takes it by producing its {@code transcript.events} records on the real broker, then read through
 * the gateway's {@code GET /v1/sessions/{id}/transcript} page by page, as an app would: every word once, in order,
 * no segment on two pages, and pages far larger than a client's default in-memory buffer (256 KiB) come back whole.
 * Prints the bytes and the time of the read (a measure, not asserted).
 */
class TranscriptReadBackIT {

  /** A ULID, as the gateway requires of a session id. */
  private static final String SESSION = "01KREADBACK50000WRDS000000";
  private static final int WORDS = 50_000;
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @RegisterExtension
  static final StackExtension e2e = new StackExtension().withMerger().withGateway();

  /** One read of the whole transcript: its pages' segments, whether the last page said complete, the bytes. */
  private record Read(List<JsonNode> segments, boolean complete, int pages, long bytes, int largestPage, long nanos) {
  }

  @Test
  void shouldReadBackEveryWordOfAFiftyThousandWordSessionThroughTheGateway() throws Exception {
    Stack stack = e2e.stack();
    LongSession session = new LongSession(SESSION, WORDS, 1800, 30, 42);
    Topic<String, SpecificRecord> events = Topics.of(Map.of(Topics.TRANSCRIPT_EVENTS,
        stack.prefix + "transcript.events"), ValueSerdeProvider.avroSingleObject()).transcriptEvents();
    long fed = System.nanoTime();
    try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 5),
        new StringSerializer(), events.valueSerde().serializer())) {
      for (SpecificRecord r : session.events) {
        producer.send(new ProducerRecord<>(events.name(), SESSION, r));
      }
      producer.flush();
    }
    String token = Stack.token(Events.USER);
    await("the transcript complete through the gateway").atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofSeconds(3)).ignoreExceptions()
        .until(() -> read(token), r -> r.complete());
    Read read = read(token); // all of it read after the last event was applied
    assertThat(read.complete()).isTrue();
    System.out.printf("[TranscriptReadBackIT] %d events replayed and merged in %.1f s; the read: %d segments in %d "
            + "pages, %d bytes (largest page %d), %.0f ms%n", session.events.size(),
        (System.nanoTime() - fed) / 1e9, read.segments().size(), read.pages(), read.bytes(), read.largestPage(),
        read.nanos() / 1e6);

    List<String> texts = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (JsonNode segment : read.segments()) {
      texts.add(segment.path("text").asString());
      assertThat(ids.add(segment.path("id").asString())).as("segment %s on one page only", segment.path("id"))
          .isTrue();
    }
    assertThat(LongSession.words(texts)).as("every word once, in order").hasSize(WORDS)
        .containsExactlyElementsOf(session.expected);
    assertThat(read.pages()).as("pages").isGreaterThan(1);
    assertThat(read.largestPage()).as("a page larger than a default 256 KiB client buffer").isGreaterThan(256 * 1024);
  }

  /** Every page, following {@code next} from the first; fails on any answer other than 200. */
  private Read read(String token) throws Exception {
    long start = System.nanoTime();
    List<JsonNode> segments = new ArrayList<>();
    String after = null;
    boolean complete;
    int pages = 0;
    long bytes = 0;
    int largest = 0;
    do {
      String query = after == null ? "" : "?after=" + URLEncoder.encode(after, StandardCharsets.UTF_8);
      HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(e2e.gateway().httpUrl()
              + "/v1/sessions/" + SESSION + "/transcript" + query)).header("Authorization", "Bearer " + token)
          .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(response.statusCode()).as("page %d: %s", pages, new String(response.body(), StandardCharsets.UTF_8))
          .isEqualTo(200);
      pages++;
      bytes += response.body().length;
      largest = Math.max(largest, response.body().length);
      JsonNode page = JSON.readTree(response.body());
      page.path("segments").forEach(segments::add);
      complete = page.path("complete").asBoolean();
      after = page.path("next").isString() ? page.path("next").asString() : null;
    } while (after != null);
    return new Read(segments, complete, pages, bytes, largest, System.nanoTime() - start);
  }
}
