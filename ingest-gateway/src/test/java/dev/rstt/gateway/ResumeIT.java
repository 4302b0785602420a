package dev.rstt.gateway;

import static dev.rstt.gateway.support.ResumingApp.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.AudioChunk;
import dev.rstt.gateway.audio.HeardWords;
import dev.rstt.gateway.support.AfterAllCloser;
import dev.rstt.gateway.support.AppSocket;
import dev.rstt.gateway.support.AudioFramesReader;
import dev.rstt.gateway.support.GatewayInstance;
import dev.rstt.gateway.support.OmiFraming;
import dev.rstt.gateway.support.PublishedChannels;
import dev.rstt.gateway.support.PublishedSession;
import dev.rstt.gateway.support.ResumingApp;
import dev.rstt.gateway.support.StubMerger;
import dev.rstt.schemas.Topics;
import dev.rstt.testsupport.KafkaBroker;
import dev.rstt.testsupport.ToneScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Resumable sessions on one gateway (docs/CONTRACT.md section 10), on the real broker, word by word with tone-word
 * audio: the TCP connection dies mid-word, the app resumes and resends, and audio.frames holds every word exactly
 * once, in one session, with a continuous timeline.
 */
class ResumeIT {

  private static final String QUERY = "language=en&sample_rate=16000&codec=pcm16&channels=1";
  private static final Duration WINDOW = Duration.ofSeconds(3);

  private static GatewayInstance gw;
  private static Topics topics;
  private static String bootstrap;
  private static AudioFramesReader frames;
  private static final Map<String, String> storedTranscripts = new ConcurrentHashMap<>();
  /** Sessions whose transcript the stub merger answers only after a delay (a merger under load). */
  private static final java.util.Set<String> slowTranscripts = ConcurrentHashMap.newKeySet();

  @RegisterExtension
  static final AfterAllCloser closer = new AfterAllCloser();

  @BeforeAll
  static void start() throws Exception {
    bootstrap = KafkaBroker.shared().bootstrapServers();
    String prefix = KafkaBroker.uniquePrefix("ResumeIT");
    topics = GatewayInstance.topics(prefix);
    StubMerger merger = closer.add(StubMerger.start((session, exchange) -> {
      if (slowTranscripts.contains(session)) {
        java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofSeconds(4).toNanos()); // the slow merger
      }
      return StubMerger.Answer.transcriptOrNotFound(storedTranscripts.get(session));
    }));
    Map<String, Object> props = new HashMap<>();
    props.put("rstt.gateway.resume.window", WINDOW.toSeconds() + "s");
    props.put("rstt.gateway.stop-timeout", "1s");
    props.put("rstt.gateway.merger-url", merger.url());
    props.put("rstt.gateway.limits.connect-burst", "50");
    // every chunk waits in the producer before it is sent: an announcement made before Kafka's acknowledgement
    // would name audio that is not in the log yet
    props.put("spring.kafka.producer.properties.linger.ms", "150");
    gw = closer.add(GatewayInstance.start(bootstrap, prefix, "resume-it", props, true));
    frames = closer.add(new AudioFramesReader(bootstrap, topics.audioFrames()));
  }

  private static String user() {
    return "resume-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static ResumingApp app(String user, List<byte[]> messages) {
    return new ResumingApp(gw::listenUri, GatewayInstance.token(user), QUERY, messages);
  }

  /** The message index in the middle of word {@code word} (0-based). */
  private static int midWord(ToneScript script, int word, int messageBytes) {
    ToneScript.ExpectedWord w = script.words().get(word);
    return (int) ((w.startSample() + w.endSample()) / 2 * 2 / messageBytes);
  }

  private static PublishedSession published(String sessionId) {
    return PublishedSession.verify(frames.awaitSession(sessionId, PublishedSession::isEnded));
  }

  @Test
  void aConnectionAbortedMidWordIsResumedAndEveryWordArrivesOnce() {
    ToneScript script = ToneScript.numbered(16000, 200, 8, 0, 250);
    List<byte[]> messages = ResumingApp.split(script.pcm(), 640);
    ResumingApp app = app(user(), messages);
    String id = app.start();
    storedTranscripts.put(id, "{\"session_id\":\"" + id + "\",\"segments\":[{\"id\":\"seg-a\",\"text\":\"w200 w201\","
        + "\"speaker\":\"SPEAKER_0\",\"speaker_id\":0,\"is_user\":false,\"person_id\":null,\"start\":0.2,\"end\":1.1,"
        + "\"stt_provider\":\"deepgram\",\"stt_session\":\"01JTESTSTTSESSION000000000\"}],"
        + "\"statuses\":[{\"status\":\"ready\",\"status_text\":null,\"metadata\":{},\"occurred_at_ms\":1}],"
        + "\"complete\":false,\"revision\":3}");
    double resumesBefore = gw.metrics().count("rstt.gateway.resumes", "outcome", "same_gateway");

    app.sendUntil(midWord(script, 4, 640));
    app.drop();
    app.resume(null);
    List<String> after = app.socket().messages();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> app.socket().messages().size() >= 3);
    after = app.socket().messages();
    assertThat(json(after.get(0)).path("type").asString()).isEqualTo("session_resumed");
    assertThat(after.get(1)).as("the transcript so far").startsWith("[").contains("\"seg-a\"", "w200 w201");
    assertThat(json(after.get(2)).path("status").asString()).as("then the latest status").isEqualTo("ready");
    app.finish();

    PublishedSession p = published(id);
    assertThat(p.started().getSessionId()).isEqualTo(id);
    HeardWords.assertExact(p.pcm(), script, 0);
    assertThat(p.pcm()).as("every byte once, the timeline continuous").isEqualTo(script.pcm());
    assertThat(p.ended().getReason()).isEqualTo("stop");
    assertThat(gw.metrics().count("rstt.gateway.resumes", "outcome", "same_gateway")).isEqualTo(resumesBefore + 1);
  }

  /**
   * A two-channel call in omi's framing (docs/CONTRACT.md section 11), different tone words on each channel: the
   * connection dies mid-word, the app resumes and resends from before its last {@code audio_durable}. Each channel on
   * audio.frames holds its words once, its own seq without gaps and its offsets continuous.
   */
  @Test
  void aTwoChannelCallAbortedMidWordIsResumedAndEachChannelHasEveryWordOnce() {
    ToneScript mic = ToneScript.numbered(16000, 200, 8, 0, 250);
    ToneScript other = ToneScript.numbered(16000, 500, 6, 1, 400);
    List<byte[]> messages = OmiFraming.interleave(ResumingApp.split(mic.pcm(), 640),
        ResumingApp.split(other.pcm(), 480));
    ResumingApp app = new ResumingApp(gw::listenUri, GatewayInstance.token(user()),
        "language=en&sample_rate=16000&codec=pcm16&channels=2", messages);
    String id = app.start();
    double repeatsBefore = gw.metrics().count("rstt.gateway.repeats.dropped");
    int mid = 2 * midWord(mic, 4, 640) + 1; // inside the mic's fifth word; the other side's words run meanwhile
    app.sendUntil(mid - 40);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> app.durableSeen() >= mid - 40);
    app.sendUntil(mid);
    app.drop();
    long durable = app.durableSeen();
    app.resume(durable - 7); // the app resends more than it must: the gateway drops what it had
    app.finish();

    PublishedChannels p = PublishedChannels.verify(frames.awaitSession(id, PublishedChannels::isEnded));
    HeardWords.assertExact(p.channels().get(1).pcm(), mic, 0);
    HeardWords.assertExact(p.channels().get(2).pcm(), other, 0);
    assertThat(p.channels().get(1).pcm()).as("the mic's audio once, its timeline continuous").isEqualTo(mic.pcm());
    assertThat(p.channels().get(2).pcm()).as("the other side's, once").isEqualTo(other.pcm());
    assertThat(p.channels().get(1).ended().getReason()).isEqualTo("stop");
    assertThat(gw.metrics().count("rstt.gateway.repeats.dropped") - repeatsBefore).isGreaterThanOrEqualTo(7);
  }

  /** The transcript snapshot of a resumed socket is slow: its audio is read meanwhile all the same. */
  @Test
  void audioIsReadWhileTheTranscriptSnapshotIsOnItsWay() {
    ToneScript script = ToneScript.numbered(16000, 700, 4, 0, 200);
    List<byte[]> messages = ResumingApp.split(script.pcm(), 640);
    ResumingApp app = app(user(), messages);
    String id = app.start();
    slowTranscripts.add(id);
    app.sendUntil(20);
    app.drop();
    long from = app.resume(null).path("frames").asLong();
    double before = gw.metrics().count("rstt.gateway.frames.in", "codec", "pcm16");
    app.sendUntil((int) from + 30);
    Awaitility.await("the resumed socket's audio read before its snapshot (4 s) arrives")
        .atMost(Duration.ofSeconds(3))
        .until(() -> gw.metrics().count("rstt.gateway.frames.in", "codec", "pcm16") - before >= 30);
    assertThat(app.socket().messages()).as("no snapshot and no audio_durable before it yet").hasSize(1);
    Awaitility.await("audio_durable once the snapshot is sent").atMost(Duration.ofSeconds(15))
        .until(() -> app.socket().messages().stream().anyMatch(m -> m.contains("\"audio_durable\"")));
    app.finish();
    PublishedSession p = published(id);
    HeardWords.assertExact(p.pcm(), script, 0);
    assertThat(p.pcm()).isEqualTo(script.pcm());
  }

  /**
   * A schedule of drops at random moments (seeded), each resent from an index between the last {@code audio_durable}
   * and the one {@code session_resumed} gives: the gateway drops what it already had, no word is doubled.
   */
  @ParameterizedTest
  @ValueSource(longs = {7L, 42L})
  void theAppResendingMoreThanItMustDoublesNoWord(long seed) {
    Random random = new Random(seed);
    ToneScript script = ToneScript.random(random, 16000, 10, 300);
    int size = 2 * (100 + random.nextInt(400)); // whole samples; chunk boundaries fall anywhere in a message
    List<byte[]> messages = ResumingApp.split(script.pcm(), size);
    ResumingApp app = app(user(), messages);
    String id = app.start();
    double repeatsBefore = gw.metrics().count("rstt.gateway.repeats.dropped");
    int at = 0;
    for (int drop = 0; drop < 3; drop++) {
      at = Math.min(messages.size() - 1, at + 2 + random.nextInt(Math.max(1, messages.size() / 3)));
      app.sendUntil(at);
      if (drop == 0 || random.nextBoolean()) { // let some of it become durable first
        int sent = app.sent();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> app.durableSeen() >= sent);
      }
      app.drop();
      long durable = app.durableSeen();
      // the app knows only what audio_durable told it: it resends from there, or from further back
      app.resume(Math.max(0, durable - random.nextInt(20)));
    }
    app.finish();

    PublishedSession p = published(id);
    HeardWords.assertExact(p.pcm(), script, 0);
    assertThat(p.pcm()).isEqualTo(script.pcm());
    assertThat(gw.metrics().count("rstt.gateway.repeats.dropped") - repeatsBefore)
        .as("resent messages the session had were dropped, not decoded again").isGreaterThan(0);
  }

  @Test
  void refusedAlikeForAnotherUsersAnEndedAnExpiredAndAnUnknownSession() {
    String owner = user();
    List<byte[]> messages = ResumingApp.split(ToneScript.numbered(16000, 300, 2, 0, 200).pcm(), 640);

    ResumingApp live = app(owner, messages);
    String liveId = live.start();
    live.sendUntil(10);
    live.drop();
    String otherUser = refusal(user(), liveId);
    live.resume(null); // the refusal took nothing from the owner

    ResumingApp ended = app(owner, messages);
    String endedId = ended.start();
    ended.finish();
    published(endedId);
    String endedAnswer = refusal(owner, endedId);

    ResumingApp expired = app(owner, messages);
    String expiredId = expired.start();
    expired.sendUntil(5);
    expired.drop();
    String unknownAnswer = refusal(owner, "01JUNKNOWNSESSION000000000");
    long expiresAt = System.currentTimeMillis() + WINDOW.toMillis() + 300;
    Awaitility.await().atMost(WINDOW.multipliedBy(3)).until(() -> System.currentTimeMillis() > expiresAt);
    String expiredAnswer = refusal(owner, expiredId);

    assertThat(json(otherUser).path("code").asString()).isEqualTo("session_not_resumable");
    assertThat(List.of(endedAnswer, expiredAnswer, unknownAnswer)).as("the same answer in every case")
        .allSatisfy(a -> assertThat(a).isEqualTo(otherUser));

    live.finish();
    PublishedSession p = published(liveId);
    assertThat(p.pcm()).isEqualTo(ToneScript.numbered(16000, 300, 2, 0, 200).pcm());
    assertThat(published(expiredId).ended().getReason()).as("an expired session ends as before")
        .isEqualTo("client_closed");
  }

  /** Tries to resume {@code sessionId} as {@code user}: expects close 1008; returns the error frame. */
  private static String refusal(String user, String sessionId) {
    AppSocket socket = AppSocket.connect(gw.listenUri(QUERY + "&resume=" + sessionId), GatewayInstance.token(user));
    assertThat(socket.awaitClose()).isEqualTo(1008);
    List<String> messages = socket.messages();
    assertThat(messages).as("only the error frame").hasSize(1);
    return messages.get(0);
  }

  /**
   * Every {@code audio_durable} the app hears names audio already in the log: at its arrival the test takes the end
   * offsets of audio.frames, and the records before them (what a worker can consume) hold every app message the
   * announcement counts, through its second.
   */
  @Test
  void audioDurableNeverRunsAheadOfKafka() {
    ToneScript script = ToneScript.numbered(16000, 400, 6, 0, 200);
    List<byte[]> messages = ResumingApp.split(script.pcm(), 320);
    ResumingApp app = app(user(), messages);
    record Seen(long frames, double through, Map<TopicPartition, Long> ends) {
    }
    List<Seen> seen = new CopyOnWriteArrayList<>();
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<byte[], byte[]> offsets = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = offsets.partitionsFor(topics.audioFrames().name(), Duration.ofSeconds(10))
          .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      String id = app.start();
      java.util.function.Consumer<String> hook = text -> {
        if (text.contains("\"audio_durable\"")) {
          Map<TopicPartition, Long> ends = offsets.endOffsets(partitions, Duration.ofSeconds(10));
          seen.add(new Seen(json(text).path("frames").asLong(), json(text).path("through_s").asDouble(), ends));
        }
      };
      app.onText(hook);
      app.sendUntil(messages.size() / 2, 10); // 10 ms messages in real time
      app.drop();
      app.resume(null);
      app.sendUntil(messages.size(), 10);
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !seen.isEmpty()
          && seen.get(seen.size() - 1).frames() == messages.size());
      app.stop();

      List<ConsumerRecord<String, SpecificRecord>> records = frames.awaitSession(id, PublishedSession::isEnded);
      PublishedSession.verify(records);
      assertThat(seen.size()).as("announcements while audio flowed").isGreaterThan(3);
      for (Seen s : seen) {
        long consumedFrames = 0;
        long consumedSamples = 0;
        for (ConsumerRecord<String, SpecificRecord> r : records) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          if (r.value() instanceof AudioChunk c && r.offset() < s.ends().get(tp)) {
            if (c.getAppFramesEnd() != null) {
              consumedFrames = Math.max(consumedFrames, c.getAppFramesEnd());
            }
            consumedSamples = Math.max(consumedSamples, c.getOffsetSamples() + c.getPcm().remaining() / 2);
          }
        }
        assertThat(s.frames()).as("audio_durable frames vs the log at its arrival").isLessThanOrEqualTo(consumedFrames);
        assertThat(s.through()).as("audio_durable through_s vs the log").isLessThanOrEqualTo(
            consumedSamples / 16000.0 + 0.0005);
      }
      List<Long> announced = new ArrayList<>();
      seen.forEach(s -> announced.add(s.frames()));
      assertThat(announced).as("the position only moves forward on a socket").isSorted();
    }
  }
}
