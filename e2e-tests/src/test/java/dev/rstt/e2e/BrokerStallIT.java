package dev.rstt.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.testsupport.ToneScript;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The broker frozen (SIGSTOP) mid-session for longer than every Kafka client timeout the services are given here
 * (requests 10 s, deliveries 30 s, group sessions 6 s): nothing the app sent may be lost or doubled,
 * and the app is told the truth. The stall lasts {@code -Drstt.e2e.broker-stall-seconds} (default 75).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrokerStallIT {

  static final Duration STALL = Duration.ofSeconds(Long.getLong("rstt.e2e.broker-stall-seconds", 75));

  /** Kafka client timeouts of every service, all shorter than the stall. */
  static final List<String> CLIENT_TIMEOUTS = List.of(
      "--spring.kafka.producer.properties.request.timeout.ms=10000",
      "--spring.kafka.producer.properties.delivery.timeout.ms=30000",
      "--spring.kafka.consumer.properties.request.timeout.ms=10000",
      "--spring.kafka.consumer.properties.default.api.timeout.ms=20000",
      "--spring.kafka.streams.properties.request.timeout.ms=10000",
      "--spring.kafka.streams.properties.producer.delivery.timeout.ms=30000");

  private static final Duration COMPLETE = Duration.ofSeconds(180);

  private BrokerProcess broker;
  private Stack stack;
  private ServiceProcess gateway;
  private int nextWord = 100;

  @BeforeAll
  void startStack() {
    broker = BrokerProcess.start(Map.of());
    stack = new Stack(broker, CLIENT_TIMEOUTS);
    stack.startMerger();
    stack.startSttWorker();
    stack.startBatchWorker();
    gateway = stack.start("ingest-gateway", List.of("--rstt.gateway.merger-url=" + stack.merger.httpUrl(),
        // 4 s of audio unacknowledged stops the socket being read; idle and stop timeouts far below the stall
        "--rstt.gateway.backpressure.session-max-unacked-bytes=131072",
        "--rstt.gateway.idle-timeout=20s",
        "--rstt.gateway.stop-timeout=15s"));
  }

  @AfterAll
  void stopStack() throws Exception {
    if (broker != null) {
      broker.resume();
    }
    if (stack != null) {
      stack.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @AfterEach
  void brokerRuns() {
    broker.resume();
  }

  private ToneScript script(int words, int pauseMs) {
    ToneScript script = ToneScript.numbered(16000, nextWord, words, nextWord % 4, pauseMs);
    nextWord += words;
    return script;
  }

  @Test
  @Order(1)
  void shouldDeliverEveryWordWhenTheAppStreamsThroughAStall() throws Exception {
    ToneScript script = script(40, 300);
    AppSession app = AppSession.open(gateway.httpUrl(), Stack.token("stream-through"), 16000);
    CompletableFuture<Void> streaming = app.stream(script, 1.0, 100);
    await().atMost(Duration.ofSeconds(30)).until(() -> app.wordsHeard() >= 5);

    CompletableFuture<Void> resumed = broker.stall(STALL);

    resumed.get(STALL.toSeconds() + 30, TimeUnit.SECONDS);
    streaming.get(COMPLETE.toSeconds(), TimeUnit.SECONDS);
    app.stop();
    assertThat(app.awaitClose(COMPLETE)).as("close code after stop").isEqualTo(1000);
    TranscriptCheck.assertEveryWordOnceInOrder(script.words(), app.segments());
    JsonNode stored = storedTranscript(app.sessionId(), "stream-through");
    assertThat(stored.path("complete").asBoolean()).as("stored transcript complete").isTrue();
    TranscriptCheck.assertEveryWordOnceInOrder(script.words(), segments(stored));
  }

  @Test
  @Order(2)
  void shouldTellTheTruthWhenTheAppStopsDuringAStallAndCompleteTheTranscriptAfterIt() throws Exception {
    ToneScript script = script(20, 300);
    AppSession app = AppSession.open(gateway.httpUrl(), Stack.token("stop-in-stall"), 16000);
    CompletableFuture<Void> streaming = app.stream(script, 1.0, 100);
    // the last < 3 s of audio (below the 4 s the socket may hold unacknowledged) and stop reach the gateway while
    // the broker is frozen
    await().atMost(Duration.ofSeconds(30)).until(() -> app.wordsHeard() >= 15);
    CompletableFuture<Void> resumed = broker.stall(STALL);
    streaming.get(30, TimeUnit.SECONDS);
    app.stop();

    int code = app.awaitClose(STALL);
    assertThat(code).as("the transcript cannot be complete during the stall: no 1000").isNotEqualTo(1000);
    assertThat(code).isEqualTo(4010);
    assertThat(app.events()).anySatisfy(e -> assertThat(e).contains("\"transcript_pending\""));
    assertThat(resumed).as("the close came during the stall").isNotDone();

    resumed.get(STALL.toSeconds() + 30, TimeUnit.SECONDS);

    String sessionId = app.sessionId();
    await("the merger answers again after the stall").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1)).until(() -> transcript(sessionId, "stop-in-stall").statusCode() == 200);
    await("stored transcript complete").atMost(COMPLETE).pollInterval(Duration.ofSeconds(1)).until(() -> {
      HttpResponse<String> r = transcript(sessionId, "stop-in-stall");
      return r.statusCode() == 200 && AppSession.JSON.readTree(r.body()).path("complete").asBoolean();
    });
    JsonNode stored = stack.transcript(gateway, sessionId, "stop-in-stall");
    TranscriptCheck.assertEveryWordOnceInOrder(script.words(), segments(stored));
    assertThat(Stack.metric(stack.merger, "rstt_merger_stream_thread_deaths_total"))
        .as("no merger stream thread died of the stalls").isZero();
  }

  @Test
  @Order(3)
  void shouldLoseNothingWhenTheBrokerStallsWhileTheSessionIsOnTheBatchPath() throws Exception {
    stack.faults("{\"live\":{\"handshake_status\":503}}"); // degraded from the first second: the batch path
    try {
      ToneScript script = script(30, 300);
      AppSession app = AppSession.open(gateway.httpUrl(), Stack.token("batch-stall"), 16000);
      CompletableFuture<Void> streaming = app.stream(script, 1.0, 100);
      Stack.awaitStatus(app, "stt_degraded", Duration.ofSeconds(15));
      await().atMost(Duration.ofSeconds(60)).until(() -> app.wordsHeard() >= 3); // a batch chunk made it through

      broker.stall(STALL).get(STALL.toSeconds() + 30, TimeUnit.SECONDS);

      streaming.get(COMPLETE.toSeconds(), TimeUnit.SECONDS);
      app.stop();
      assertThat(app.awaitClose(COMPLETE)).as("close code after stop").isEqualTo(1000);
      TranscriptCheck.assertEveryWordOnceInOrder(script.words(), app.segments());
      JsonNode stored = storedTranscript(app.sessionId(), "batch-stall");
      assertThat(stored.path("complete").asBoolean()).as("stored transcript complete").isTrue();
      TranscriptCheck.assertEveryWordOnceInOrder(script.words(), segments(stored));
    } finally {
      stack.healthy();
    }
  }

  /**
   * The stored transcript, once the merger answers: right after a stall it rejoins its group (a second or two of
   * 503, which the gateway passes on as 502), never for minutes.
   */
  private JsonNode storedTranscript(String sessionId, String uid) {
    await("the merger answers").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .until(() -> transcript(sessionId, uid).statusCode() == 200);
    return stack.transcript(gateway, sessionId, uid);
  }

  private HttpResponse<String> transcript(String sessionId, String uid) throws Exception {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
            URI.create(gateway.httpUrl() + "/v1/sessions/" + sessionId + "/transcript"))
        .header("Authorization", "Bearer " + Stack.token(uid)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static List<JsonNode> segments(JsonNode transcript) {
    List<JsonNode> segments = new ArrayList<>();
    transcript.path("segments").forEach(segments::add);
    return segments;
  }
}
