package dev.rstt.gateway.resume;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.SessionPosition;
import dev.rstt.gateway.audio.AudioFormat;
import dev.rstt.gateway.support.AppSocket;
import dev.rstt.gateway.support.GatewayInstance;
import dev.rstt.schemas.Topics;
import dev.rstt.testsupport.KafkaBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The resume window and an outage of session.positions (docs/CONTRACT.md section 10), on the real broker: a session
 * whose holder died just before the topic stopped taking writes is still resumable after an outage longer than its
 * window, because no holder could have written during it. The topic is made unwritable for real
 * ({@link KafkaBroker#setTopicWritable}); this gateway learns it from its own lease writes failing. Before the fix
 * the resume in the outage was answered 1008 {@code session_not_resumable} (the position older than window + lease).
 */
class PositionsOutageResumeIT {

  private static final String QUERY = "language=en&sample_rate=16000&codec=pcm16&channels=1";
  private static final AudioFormat PCM = new AudioFormat("en", 16000, AudioFormat.Codec.PCM16, 1);
  private static final Duration WINDOW = Duration.ofSeconds(3);
  private static final Duration LEASE = Duration.ofSeconds(1);

  private static GatewayInstance gw;
  private static Topics topics;
  private static KafkaProducer<String, SessionPosition> positions;

  @BeforeAll
  static void start() {
    String bootstrap = KafkaBroker.shared().bootstrapServers();
    String prefix = KafkaBroker.uniquePrefix("PositionsOutageResumeIT");
    topics = GatewayInstance.topics(prefix);
    Map<String, Object> props = new HashMap<>();
    props.put("rstt.gateway.resume.window", WINDOW.toSeconds() + "s");
    props.put("rstt.gateway.resume.position-interval", "250ms");
    props.put("rstt.gateway.resume.lease", LEASE.toMillis() + "ms"); // the view is not current after two
    props.put("rstt.gateway.resume.handover-timeout", "500ms");
    props.put("rstt.gateway.stop-timeout", "1s");
    gw = GatewayInstance.start(bootstrap, prefix, "outage-it", props, false);
    Map<String, Object> producer = new HashMap<>(KafkaBroker.shared().clientProperties());
    producer.put(ProducerConfig.ACKS_CONFIG, "all");
    positions = new KafkaProducer<>(producer, topics.sessionPositions().keySerde().serializer(),
        topics.sessionPositions().valueSerde().serializer());
  }

  @AfterAll
  static void stop() {
    KafkaBroker.shared().setTopicWritable(topics.sessionPositions().name(), true);
    if (positions != null) {
      positions.close();
    }
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void aSessionWhoseHolderDiedBeforeAnOutageLongerThanItsWindowIsResumableAfterIt() throws Exception {
    String user = "outage-" + UUID.randomUUID().toString().substring(0, 8);
    // a session of this gateway's own, streaming: its position writes are how this gateway sees the outage
    AppSocket own = AppSocket.connect(gw.listenUri(QUERY), GatewayInstance.token("other-" + user));
    own.awaitMessage(m -> m.contains("\"session_started\""));
    own.sendBinary(new byte[3200]);

    // the last position the dead holder wrote, just before the topic stopped taking writes
    String sessionId = "01OUTAGE" + UUID.randomUUID().toString().replace("-", "").substring(0, 18).toUpperCase();
    positions.send(new ProducerRecord<>(topics.sessionPositions().name(), sessionId,
        PositionRecords.of(sessionId, user, PCM, "dead-gateway", 1, PositionStates.ATTACHED, null, ResumePoint.START,
            null, System.currentTimeMillis()))).get(15, TimeUnit.SECONDS);
    PositionsView view = gw.context().getBean(PositionsView.class);
    Awaitility.await("the dead holder's position read").atMost(Duration.ofSeconds(15))
        .until(() -> view.latest(sessionId) != null);

    KafkaBroker.shared().setTopicWritable(topics.sessionPositions().name(), false);
    long outageStart = System.currentTimeMillis();
    long outageMs = WINDOW.toMillis() + LEASE.toMillis() + 2_000; // longer than the window and the lease
    while (System.currentTimeMillis() < outageStart + outageMs) {
      own.sendBinary(new byte[3200]); // the app goes on; the gateway's lease writes keep failing
      Thread.sleep(100); // real-time pace of the app's audio, not a wait for readiness
    }

    AppSocket inOutage = AppSocket.connect(gw.listenUri(QUERY + "&resume=" + sessionId), GatewayInstance.token(user));
    String answer = inOutage.awaitMessage(m -> m.contains("\"error\"") || m.contains("\"session_resumed\""));
    assertThat(answer).as("in the outage: try again, not ended").contains("\"resume_unavailable\"")
        .contains("retry_after_seconds");
    assertThat(inOutage.awaitClose()).isEqualTo(1013);

    KafkaBroker.shared().setTopicWritable(topics.sessionPositions().name(), true); // returns once applied
    long outageEnd = System.currentTimeMillis();
    assertThat(outageEnd - outageStart).as("the outage outlasted window + lease").isGreaterThan(
        WINDOW.toMillis() + LEASE.toMillis());
    assertThat(view.state().blindUntilMs()).as("this gateway saw its own position writes fail in it")
        .isGreaterThan(outageStart + WINDOW.toMillis());

    // a 1013 now (the copy not current for a moment under load) is "try again", as for any app
    AppSocket[] after = new AppSocket[1];
    String resumed = Awaitility.await("resumed or refused for good").atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(300)).until(() -> {
          after[0] = AppSocket.connect(gw.listenUri(QUERY + "&resume=" + sessionId), GatewayInstance.token(user));
          return after[0].awaitMessage(m -> m.contains("\"error\"") || m.contains("\"session_resumed\""));
        }, m -> !m.contains("\"resume_unavailable\""));
    assertThat(resumed).as("within its window counted from the outage's end (%d ms ago)",
        System.currentTimeMillis() - outageEnd).contains("\"session_resumed\"").contains("\"frames\":0");
    after[0].stop();
    own.stop();
    assertThat(after[0].awaitClose()).isIn(1000, 4010);
    assertThat(own.awaitClose()).isIn(1000, 4010);
  }
}
