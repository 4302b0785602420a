package dev.rstt.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.avro.Segment;
import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.SessionUpdate;
import dev.rstt.avro.StatusChanged;
import dev.rstt.avro.Word;
import dev.rstt.schemas.Topic;
import dev.rstt.schemas.Topics;
import dev.rstt.schemas.ValueSerdeProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The merger alone through a broker stall longer than every client timeout it is given
 * ({@link BrokerStallIT#CLIENT_TIMEOUTS}): events keep arriving at a steady rate before, during (queued in the
 * test's producer) and after the stall, so the merger has output in flight when the broker freezes. After the
 * stall it must be RUNNING again within a minute without a stream thread having died, apply every event exactly
 * once, and publish updates again.
 */
class MergerStallIT {

  private static final int SESSIONS = 4;
  private static final Duration FEED_PERIOD = Duration.ofMillis(40);

  private BrokerProcess broker;
  private Stack stack;

  @AfterEach
  void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldComeBackAfterAStallAndApplyEveryEventOnce() throws Exception {
    broker = BrokerProcess.start(Map.of());
    stack = new Stack(broker, BrokerStallIT.CLIENT_TIMEOUTS);
    ServiceProcess merger = stack.startMerger();
    Topics topics = Topics.of(Map.of(Topics.TRANSCRIPT_EVENTS, stack.prefix + "transcript.events",
        Topics.SESSION_UPDATES, stack.prefix + "session.updates"), ValueSerdeProvider.avroSingleObject());
    List<String> sessions = new ArrayList<>();
    for (int i = 0; i < SESSIONS; i++) {
      sessions.add("01MERGERSTALL" + i + Long.toString(System.nanoTime(), 36).toUpperCase());
    }
    Set<String> completed = ConcurrentHashMap.newKeySet();
    AtomicBoolean reading = new AtomicBoolean(true);
    CompletableFuture<Void> updates = CompletableFuture.runAsync(() -> readUpdates(topics.sessionUpdates(),
        completed, reading));
    int[] words = new int[SESSIONS];
    try (KafkaProducer<String, SpecificRecord> producer = producer(topics.transcriptEvents())) {
      for (String s : sessions) {
        producer.send(new ProducerRecord<>(topics.transcriptEvents().name(), s, status(s, "ready")));
      }
      long feedUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos() + BrokerStallIT.STALL.toNanos()
          + Duration.ofSeconds(5).toNanos();
      CompletableFuture<Void> resumed = null;
      long pauseAt = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      for (int n = 0; System.nanoTime() < feedUntil; n++) {
        int i = n % SESSIONS;
        String s = sessions.get(i);
        producer.send(new ProducerRecord<>(topics.transcriptEvents().name(), s, word(s, words[i]++)));
        if (resumed == null && System.nanoTime() >= pauseAt) {
          resumed = broker.stall(BrokerStallIT.STALL); // the merger has output in flight: events arrive every 40 ms
        }
        TimeUnit.NANOSECONDS.sleep(FEED_PERIOD.toNanos()); // the input's pace, not a wait for readiness
      }
      assertThat(resumed).isNotNull().succeedsWithin(Duration.ofSeconds(30));
      for (String s : sessions) {
        producer.send(new ProducerRecord<>(topics.transcriptEvents().name(), s, status(s, "live_finished")));
      }
      producer.flush();
    }

    await("merger RUNNING after the stall").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
        .until(() -> merger.alive() && health(merger).contains("\"RUNNING\""));
    assertThat(Stack.metric(merger, "rstt_merger_stream_thread_deaths_total"))
        .as("no stream thread died of the stall").isZero();
    for (int i = 0; i < SESSIONS; i++) {
      String s = sessions.get(i);
      await("transcript of " + s + " complete").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
          .until(() -> {
            JsonNode t = transcript(merger, s);
            return t != null && t.path("complete").asBoolean();
          });
      List<String> heard = new ArrayList<>();
      transcript(merger, s).path("segments").forEach(seg -> {
        for (String token : seg.path("text").asString().split("\\s+")) {
          if (!token.isBlank()) {
            heard.add(token);
          }
        }
      });
      List<String> expected = new ArrayList<>();
      for (int w = 0; w < words[i]; w++) {
        expected.add(text(w));
      }
      assertThat(heard).as("every event of %s applied exactly once, in order", s).containsExactlyElementsOf(expected);
    }
    await("updates flow again").atMost(Duration.ofSeconds(30)).until(() -> completed.containsAll(sessions));
    reading.set(false);
    updates.get(30, TimeUnit.SECONDS);
  }

  private static String text(int n) {
    return "x" + n;
  }

  private static SegmentsProduced word(String session, int n) {
    double start = 0.5 * n;
    Word word = new Word(text(n), start, start + 0.26, 1.0f);
    Segment segment = new Segment(text(n), "SPEAKER_0", 0, false, start, start + 0.26, new ArrayList<>(List.of(word)));
    return SegmentsProduced.newBuilder().setSessionId(session).setUserId("u").setSttSession("live-" + session)
        .setMode("live").setSttProvider("deepgram").setSeq(n).setCoveredFromSamples(Math.round(start * 16000))
        .setCoveredToSamples(Math.round((start + 0.3) * 16000)).setSampleRate(16000)
        .setSegments(new ArrayList<>(List.of(segment))).setProducedAtMs(System.currentTimeMillis()).build();
  }

  private static StatusChanged status(String session, String status) {
    return StatusChanged.newBuilder().setSessionId(session).setUserId("u").setStatus(status).setStatusText(null)
        .setMetadata(Map.of()).setOccurredAtMs(System.currentTimeMillis()).build();
  }

  /** Never gives up a record: the test's input must all land, whatever the stall. */
  private KafkaProducer<String, SpecificRecord> producer(Topic<String, SpecificRecord> topic) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
    return new KafkaProducer<>(p, topic.keySerde().serializer(), topic.valueSerde().serializer());
  }

  private void readUpdates(Topic<String, SessionUpdate> topic, Set<String> completed, AtomicBoolean reading) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "merger-stall-it-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, SessionUpdate> consumer = new KafkaConsumer<>(p, topic.keySerde().deserializer(),
        topic.valueSerde().deserializer())) {
      consumer.subscribe(List.of(topic.name()));
      while (reading.get()) {
        consumer.poll(Duration.ofMillis(500)).forEach(r -> {
          if (r.value().getComplete()) {
            completed.add(r.key());
          }
        });
      }
    }
  }

  private static String health(ServiceProcess service) {
    try {
      return HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(URI.create(service.managementUrl()
          + "/actuator/health")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      return "";
    }
  }

  private static JsonNode transcript(ServiceProcess merger, String session) {
    try {
      HttpResponse<String> r = HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(URI.create(merger.httpUrl()
              + "/internal/sessions/" + session + "/transcript")).timeout(Duration.ofSeconds(5))
              .header("Authorization", "Bearer " + Stack.INTERNAL_SECRET).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? AppSession.JSON.readTree(r.body()) : null;
    } catch (Exception e) {
      return null;
    }
  }
}
