package dev.rstt.gateway;

import static dev.rstt.gateway.support.UpdatesProducer.segment;
import static dev.rstt.gateway.support.UpdatesProducer.segments;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.SessionUpdate;
import dev.rstt.avro.TranscriptSegment;
import dev.rstt.gateway.support.AfterAllCloser;
import dev.rstt.gateway.support.AppSocket;
import dev.rstt.gateway.support.GatewayInstance;
import dev.rstt.schemas.Topic;
import dev.rstt.testsupport.KafkaBroker;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway reads {@code session.updates} before the merger's transaction commits (docs/CONTRACT.md section 7),
 * against a real broker and a transactional producer playing the merger: an update is sent to the app while its
 * transaction is still open; when that transaction aborts, the replay writes the same revision again, which the app
 * does not get twice. With {@code rstt.gateway.updates-isolation=read_committed} the update waits for the commit.
 */
class UpdatesBeforeCommitIT {

  private static final String QUERY = "language=en&sample_rate=16000&codec=pcm16&channels=1";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static Topic<String, SessionUpdate> updates;
  private static GatewayInstance uncommitted;
  private static GatewayInstance committed;

  @RegisterExtension
  static final AfterAllCloser closer = new AfterAllCloser();

  @BeforeAll
  static void start() {
    String bootstrap = KafkaBroker.shared().bootstrapServers();
    String prefix = KafkaBroker.uniquePrefix("UpdatesBeforeCommitIT");
    updates = GatewayInstance.topics(prefix).sessionUpdates();
    uncommitted = closer.add(GatewayInstance.start(bootstrap, prefix, "before-commit-it", Map.of(), true));
    committed = closer.add(GatewayInstance.start(bootstrap, prefix, "after-commit-it",
        Map.of("rstt.gateway.updates-isolation", "read_committed"), true));
  }

  @Test
  void shouldSendAnUpdateBeforeItsTransactionCommitsAndItsReplayAfterAnAbortNotAgain() {
    App app = App.connect(uncommitted);
    try (KafkaProducer<String, SessionUpdate> merger = transactional()) {
      merger.beginTransaction();
      app.write(merger, 0, segment("seg-a", "alpha", 0.2, 0.6));
      merger.flush();
      app.socket().awaitMessage(m -> m.contains("alpha")); // the transaction is still open
      merger.abortTransaction();

      merger.beginTransaction(); // the replay: the same input gives the same revision, the same segments
      app.write(merger, 0, segment("seg-a", "alpha", 0.2, 0.6));
      app.write(merger, 1, segment("seg-b", "bravo", 0.7, 1.1));
      merger.commitTransaction();
    }
    app.socket().awaitMessage(m -> m.contains("bravo")); // after the replayed revision 0: same key, same partition
    assertThat(app.socket().messages().stream().filter(m -> m.contains("alpha")))
        .as("the aborted update and its replay reach the app once").hasSize(1);
    app.socket().abort();
  }

  @Test
  void shouldWaitForTheCommitWhenReadingCommittedOnly() {
    App app = App.connect(committed);
    try (KafkaProducer<String, SessionUpdate> merger = transactional()) {
      merger.beginTransaction();
      app.write(merger, 0, segment("seg-c", "charlie", 0.2, 0.6));
      merger.flush();
      Awaitility.await("no update while the transaction is open").during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(5))
          .until(() -> app.socket().messages().stream().noneMatch(m -> m.contains("charlie")));
      merger.commitTransaction();
    }
    app.socket().awaitMessage(m -> m.contains("charlie"));
    app.socket().abort();
  }

  /** An app of its own user, its session started on {@code gateway}. */
  private record App(String user, AppSocket socket, String session) {

    static App connect(GatewayInstance gateway) {
      String user = "user-" + UUID.randomUUID().toString().substring(0, 8);
      AppSocket socket = AppSocket.connect(gateway.listenUri(QUERY), GatewayInstance.token(user));
      String session = JSON.readTree(socket.awaitMessage(m -> m.contains("\"session_started\"")))
          .path("session_id").asString();
      return new App(user, socket, session);
    }

    /** Writes this session's update of {@code revision} with {@code segment}, as the merger would (its user's). */
    void write(KafkaProducer<String, SessionUpdate> merger, long revision, TranscriptSegment segment) {
      SessionUpdate update = SessionUpdate.newBuilder(segments(session, revision, false, segment)).setUserId(user)
          .build();
      merger.send(new ProducerRecord<>(updates.name(), session, update));
    }
  }

  private static KafkaProducer<String, SessionUpdate> transactional() {
    Properties props = new Properties();
    props.putAll(KafkaBroker.shared().clientProperties());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "updates-before-commit-" + UUID.randomUUID());
    KafkaProducer<String, SessionUpdate> producer =
        new KafkaProducer<>(props, updates.keySerde().serializer(), updates.valueSerde().serializer());
    producer.initTransactions();
    return producer;
  }
}
