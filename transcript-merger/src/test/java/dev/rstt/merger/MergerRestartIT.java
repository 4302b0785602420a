package dev.rstt.merger;

import static dev.rstt.merger.Events.produced;
import static dev.rstt.merger.Events.segment;
import static dev.rstt.merger.Events.status;
import static dev.rstt.merger.Events.tone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.SessionUpdate;
import dev.rstt.avro.Word;
import dev.rstt.merger.merge.Segment;
import dev.rstt.merger.merge.SessionTranscript;
import dev.rstt.merger.avro.HistoryEntry;
import dev.rstt.merger.query.TranscriptPages;
import dev.rstt.merger.query.TranscriptView;
import dev.rstt.merger.topology.MergerStreamsProperties;
import dev.rstt.merger.topology.MergerTopology;
import dev.rstt.schemas.Topics;
import dev.rstt.schemas.ValueSerdeProvider;
import dev.rstt.testsupport.KafkaBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * The merger on a real broker, exactly-once: stopped mid-session and started again (once restoring from the
 * changelog into an empty state directory, once reusing the local state), the transcript is unchanged and
 * further events (including Kafka redeliveries and a re-transcription after a worker crash) continue correctly.
 */
class MergerRestartIT {

  static {
    InProcessBrokerExit.keepJvmAlive();
  }

  static final String LIVE = "01LIVE00000000000000000001";
  static final String LIVE_AFTER_CRASH = "01LIVE00000000000000000002";
  static final String BATCH = "01BATCH0000000000000000001";

  final KafkaBroker broker = KafkaBroker.shared();
  String prefix;
  Topics topics;
  MergerConfig config;
  KafkaProducer<String, SpecificRecord> producer;
  KafkaConsumer<String, SessionUpdate> updatesConsumer;
  final Map<String, List<SessionUpdate>> updates = new HashMap<>();
  KafkaStreams streams;
  String currentStateDir;

  @BeforeEach
  void setUp() {
    prefix = KafkaBroker.uniquePrefix("MergerRestartIT");
    topics = Topics.of(Map.of(Topics.TRANSCRIPT_EVENTS, prefix + "transcript.events",
        Topics.SESSION_UPDATES, prefix + "session.updates"), ValueSerdeProvider.avroSingleObject());
    broker.createTopics(3, topics.transcriptEvents().name(), topics.sessionUpdates().name());
    broker.createTopics(1, topics.transcriptEvents().deadLetterName());
    // Static membership: the restarted instance takes its tasks back at once (as a pod with a stable name would).
    config = MergerConfig.defaults().withApplicationId(prefix + "merger", stateDir().toString())
        .withInstanceId("merger-0");

    Map<String, Object> p = new HashMap<>(broker.clientProperties());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    producer = new KafkaProducer<>(p, new StringSerializer(), topics.transcriptEvents().valueSerde().serializer());

    Map<String, Object> c = new HashMap<>(broker.clientProperties());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, prefix + "reader");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    updatesConsumer = new KafkaConsumer<>(c, new StringDeserializer(),
        topics.sessionUpdates().valueSerde().deserializer());
    updatesConsumer.subscribe(List.of(topics.sessionUpdates().name()));
  }

  @AfterEach
  void tearDown() {
    if (streams != null) {
      streams.close(Duration.ofSeconds(30));
    }
    producer.close(Duration.ofSeconds(5));
    updatesConsumer.close(Duration.ofSeconds(5));
  }

  private Path stateDir() {
    try {
      Path root = Files.createDirectories(Path.of("target", "it-state").toAbsolutePath());
      return Files.createTempDirectory(root, "merger-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void startMerger(MergerConfig c) {
    currentStateDir = c.stateDir();
    Properties props = MergerStreamsProperties.build(c, broker.clientProperties(), (short) 1);
    streams = new KafkaStreams(MergerTopology.buildTopology(c, topics), props);
    streams.start();
    await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
  }

  private void stopMerger() {
    assertThat(streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30))))
        .isTrue();
    streams = null;
  }

  private void send(String session, SpecificRecord... records) {
    for (SpecificRecord r : records) {
      producer.send(new ProducerRecord<>(topics.transcriptEvents().name(), session, r));
    }
    producer.flush();
  }

  /** Polls session.updates until {@code session} has {@code count} updates in total. */
  private List<SessionUpdate> awaitUpdates(String session, int count) {
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      for (ConsumerRecord<String, SessionUpdate> r : updatesConsumer.poll(Duration.ofMillis(200))) {
        updates.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
      }
      return updates.getOrDefault(session, List.of()).size() >= count;
    });
    return updates.get(session);
  }

  private TranscriptView read(String session) {
    return await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
      ReadOnlyKeyValueStore<String, SessionTranscript> store = streams.store(StoreQueryParameters.fromNameAndType(
          MergerTopology.TRANSCRIPTS_STORE, QueryableStoreTypes.keyValueStore()));
      ReadOnlyKeyValueStore<String, HistoryEntry> history = streams.store(StoreQueryParameters.fromNameAndType(
          MergerTopology.HISTORY_STORE, QueryableStoreTypes.keyValueStore()));
      return TranscriptPages.read(store, history, session, null, TranscriptPages.MAX_LIMIT)
          instanceof TranscriptPages.Result.Page page ? page.view() : null;
    }, v -> v != null);
  }

  private static Word[] tones(int first, int last, double at, double jitter) {
    Word[] words = new Word[last - first + 1];
    for (int i = first; i <= last; i++) {
      words[i - first] = tone(String.format("w%03d", i), at + (i - first) * 0.4 + jitter);
    }
    return words;
  }

  private static List<String> words(TranscriptView view) {
    List<String> words = new ArrayList<>();
    view.segments().forEach(s -> words.addAll(List.of(s.text().split(" "))));
    return words;
  }

  @Test
  void shouldKeepTheTranscriptAcrossRestartsAndContinueCorrectly() {
    List<String> sessions = List.of("01SESSIONRESTART0000000001", "01SESSIONRESTART0000000002",
        "01SESSIONRESTART0000000003");
    Map<String, List<SegmentsProduced>> phase1 = new LinkedHashMap<>();
    startMerger(config);
    for (String s : sessions) {
      List<SegmentsProduced> live = List.of(
          produced(s, LIVE, 0, segment("SPEAKER_0", tones(1, 3, 1.0, 0))),
          produced(s, LIVE, 1, segment("SPEAKER_0", tones(4, 6, 2.2, 0))),
          produced(s, LIVE, 2, segment("SPEAKER_1", tones(101, 102, 4.0, 0))));
      phase1.put(s, live);
      send(s, status(s, "ready"));
      live.forEach(r -> send(s, r));
      send(s, status(s, "stt_degraded"));
    }
    Map<String, TranscriptView> before = new LinkedHashMap<>();
    for (String s : sessions) {
      assertThat(awaitUpdates(s, 5)).extracting(SessionUpdate::getRevision).containsExactly(1L, 2L, 3L, 4L, 5L);
      before.put(s, read(s));
    }
    assertThat(words(before.get(sessions.get(0))))
        .containsExactly("w001", "w002", "w003", "w004", "w005", "w006", "w101", "w102");

    // Restart 1: a fresh state directory, so the state comes back from the changelog.
    stopMerger();
    startMerger(config.withApplicationId(config.applicationId(), stateDir().toString()));
    for (String s : sessions) {
      assertThat(read(s)).isEqualTo(before.get(s));
    }

    // Further events: Kafka redelivers the last live result, a new worker re-transcribes w005..w102 after a
    // crash and goes on, the batch chunk covers the degraded audio, and a poison record arrives.
    byte[] poison = "garbage".getBytes(StandardCharsets.UTF_8);
    try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(broker.clientProperties(), new StringSerializer(),
        new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(topics.transcriptEvents().name(), sessions.get(0), poison));
    }
    for (String s : sessions) {
      send(s, phase1.get(s).get(2),
          produced(s, LIVE_AFTER_CRASH, 0, segment("SPEAKER_0", tones(5, 6, 2.6, 0.01)),
              segment("SPEAKER_1", tones(101, 102, 4.0, -0.01))),
          produced(s, LIVE_AFTER_CRASH, 1, segment("SPEAKER_1", tones(103, 104, 4.8, 0))));
    }
    for (String s : sessions) {
      awaitUpdates(s, 6);
    }
    // Restart 2 mid-session: the same state directory as the instance before (local state reused).
    String reused = currentStateDir;
    stopMerger();
    startMerger(config.withApplicationId(config.applicationId(), reused));
    for (String s : sessions) {
      send(s, produced(s, BATCH, 0, "batch", "deepgram", segment("SPEAKER_0", tones(10, 12, 8.0, 0))),
          status(s, "stt_recovered"), status(s, "live_finished"));
    }
    for (String s : sessions) {
      List<SessionUpdate> all = awaitUpdates(s, 9);
      assertThat(all).hasSize(9);
      assertThat(all).extracting(SessionUpdate::getRevision)
          .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
      assertThat(all.get(4).getStatus().getStatus()).isEqualTo("stt_degraded");
      assertThat(all.get(5).getSegments()).singleElement()
          .satisfies(seg -> assertThat(seg.getText()).isEqualTo("w103 w104"));
      assertThat(all.get(6).getSegments()).singleElement()
          .satisfies(seg -> assertThat(seg.getText()).isEqualTo("w010 w011 w012"));
      assertThat(all.get(7).getStatus().getStatus()).isEqualTo("stt_recovered");
      assertThat(all.get(8).getComplete()).isTrue();
      TranscriptView after = read(s);
      assertThat(after.complete()).isTrue();
      assertThat(words(after)).containsExactly("w001", "w002", "w003", "w004", "w005", "w006", "w101", "w102",
          "w103", "w104", "w010", "w011", "w012");
      // Everything the first instance had is still there under the same ids.
      assertThat(after.segments()).as("what the first instance had is unchanged, same ids")
          .containsAll(before.get(s).segments());
      assertThat(after.statuses()).extracting(TranscriptView.StatusView::status)
          .containsExactly("ready", "stt_degraded", "stt_recovered");
    }

    // The poison record went to the dead-letter topic with its coordinates.
    Map<String, Object> c = new HashMap<>(broker.clientProperties());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, prefix + "dlt-reader");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<byte[], byte[]> dlt = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      dlt.subscribe(List.of(topics.transcriptEvents().deadLetterName()));
      List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        dlt.poll(Duration.ofMillis(200)).forEach(dead::add);
        return !dead.isEmpty();
      });
      assertThat(dead).singleElement().satisfies(r -> {
        assertThat(r.value()).isEqualTo(poison);
        assertThat(new String(r.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_TOPIC).value(),
            StandardCharsets.UTF_8)).isEqualTo(topics.transcriptEvents().name());
      });
    }
  }
}
