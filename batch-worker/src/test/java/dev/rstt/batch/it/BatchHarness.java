package dev.rstt.batch.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.LiveResumed;
import dev.rstt.avro.Segment;
import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.StatusChanged;
import dev.rstt.avro.Word;
import dev.rstt.batch.BatchWorkerApplication;
import dev.rstt.schemas.Topics;
import dev.rstt.schemas.ValueSerdeProvider;
import dev.rstt.testsupport.KafkaBroker;
import dev.rstt.testsupport.ToneScript;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the batch worker ITs share: unique topics on the shared broker, a producer playing the STT worker's
 * part on {@code audio.degraded}, a collector of {@code transcript.events}, workers started in-process, and
 * assertions on words against a {@link ToneScript}.
 */
final class BatchHarness implements AutoCloseable {

  static final int PARTITIONS = 3;

  final KafkaBroker broker = KafkaBroker.shared();
  final String prefix;
  final Topics topics;
  final KafkaProducer<String, SpecificRecord> producer;
  final List<ConsumerRecord<String, SpecificRecord>> events = new CopyOnWriteArrayList<>();
  private final Thread collector;
  private volatile boolean collecting = true;
  private final List<ConfigurableApplicationContext> workers = new ArrayList<>();

  BatchHarness(String testName) {
    prefix = KafkaBroker.uniquePrefix(testName);
    topics = Topics.of(Map.of(
        Topics.AUDIO_FRAMES, prefix + Topics.AUDIO_FRAMES,
        Topics.AUDIO_DEGRADED, prefix + Topics.AUDIO_DEGRADED,
        Topics.TRANSCRIPT_EVENTS, prefix + Topics.TRANSCRIPT_EVENTS,
        Topics.SESSION_UPDATES, prefix + Topics.SESSION_UPDATES), ValueSerdeProvider.avroSingleObject());
    broker.createTopics(PARTITIONS, topics.audioDegraded().name(), topics.transcriptEvents().name());
    broker.createTopics(1, topics.audioDegraded().deadLetterName());
    Map<String, Object> p = new HashMap<>(broker.clientProperties());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    producer = new KafkaProducer<>(p, topics.audioDegraded().keySerde().serializer(),
        topics.audioDegraded().valueSerde().serializer());
    Map<String, Object> c = new HashMap<>(broker.clientProperties());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, prefix + "collector");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(c,
        topics.transcriptEvents().keySerde().deserializer(), topics.transcriptEvents().valueSerde().deserializer());
    consumer.subscribe(List.of(topics.transcriptEvents().name()));
    collector = new Thread(() -> {
      try (consumer) {
        while (collecting) {
          consumer.poll(Duration.ofMillis(100)).forEach(events::add);
        }
      }
    }, "transcript-collector");
    collector.setDaemon(true);
    collector.start();
  }

  /** The properties a worker of this test runs with. */
  Map<String, String> workerProperties(String deepgramUrl) {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("spring.kafka.bootstrap-servers", broker.bootstrapServers());
    props.put("rstt.topics.audio-frames", topics.audioFrames().name());
    props.put("rstt.topics.audio-degraded", topics.audioDegraded().name());
    props.put("rstt.topics.transcript-events", topics.transcriptEvents().name());
    props.put("rstt.topics.session-updates", topics.sessionUpdates().name());
    props.put("rstt.topics.partitions", Integer.toString(PARTITIONS));
    props.put("rstt.batch.group-id", prefix + "batch-worker");
    props.put("rstt.batch.deepgram.base-url", deepgramUrl);
    props.put("rstt.batch.retry.initial-backoff", "50ms");
    props.put("rstt.batch.retry.max-backoff", "1s");
    props.put("rstt.batch.breaker.wait-in-open-state", "500ms");
    props.put("server.port", "0");
    // In-process workers run without a web server: closing a context would dispose Reactor Netty's global
    // resources, which the embedded emulator shares. The separate-JVM worker of CrashTakeoverIT serves HTTP.
    props.put("spring.main.web-application-type", "none");
    props.put("spring.kafka.consumer.properties.session.timeout.ms", "10000");
    props.put("spring.kafka.consumer.properties.heartbeat.interval.ms", "1000");
    return props;
  }

  ConfigurableApplicationContext startWorker(Map<String, String> props) {
    String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    ConfigurableApplicationContext ctx = new SpringApplicationBuilder(BatchWorkerApplication.class).run(args);
    workers.add(ctx);
    return ctx;
  }

  static double gauge(ConfigurableApplicationContext ctx, String name) {
    return ctx.getBean(io.micrometer.core.instrument.MeterRegistry.class).get(name).gauge().value();
  }

  static double counter(ConfigurableApplicationContext ctx, String name) {
    var c = ctx.getBean(io.micrometer.core.instrument.MeterRegistry.class).find(name).counter();
    return c == null ? 0 : c.count();
  }

  static double counter(ConfigurableApplicationContext ctx, String name, String tag, String value) {
    var c = ctx.getBean(io.micrometer.core.instrument.MeterRegistry.class).find(name).tag(tag, value).counter();
    return c == null ? 0 : c.count();
  }

  // ------------------------------------------------------------------ the STT worker's part

  /** A session's degraded audio: the script split in frames, starting at {@code offsetSamples} with {@code firstSeq}. */
  List<AudioChunk> chunks(String sessionId, ToneScript script, long offsetSamples, long firstSeq, int frameMs) {
    List<AudioChunk> out = new ArrayList<>();
    long offset = offsetSamples;
    long seq = firstSeq;
    for (byte[] frame : script.frames(frameMs)) {
      out.add(AudioChunk.newBuilder().setSessionId(sessionId).setUserId("user-1").setSeq(seq++)
          .setOffsetSamples(offset).setSampleRate(script.sampleRate()).setChannels(1).setLanguage("en")
          .setPcm(ByteBuffer.wrap(frame)).setReceivedAtMs(System.currentTimeMillis()).build());
      offset += frame.length / 2;
    }
    return out;
  }

  void send(String sessionId, SpecificRecord value) {
    producer.send(new ProducerRecord<>(topics.audioDegraded().name(), sessionId, value));
  }

  void sendAll(String sessionId, List<? extends SpecificRecord> values) {
    values.forEach(v -> send(sessionId, v));
    producer.flush();
  }

  static LiveResumed liveResumed(String sessionId, long resumeOffset, int rate, boolean cold) {
    return LiveResumed.newBuilder().setSessionId(sessionId).setUserId("user-1").setResumeOffsetSamples(resumeOffset)
        .setSampleRate(rate).setLiveSttSession("01LIVE").setColdTakeover(cold).build();
  }

  static SessionEnded sessionEnded(String sessionId, long lastSeq, long endOffset, int rate) {
    return SessionEnded.newBuilder().setSessionId(sessionId).setUserId("user-1").setLastSeq(lastSeq)
        .setEndOffsetSamples(endOffset).setSampleRate(rate).setReason("stop").build();
  }

  // ------------------------------------------------------------------ reading transcript.events

  List<SpecificRecord> eventsOf(String sessionId) {
    return events.stream().filter(r -> sessionId.equals(r.key())).map(ConsumerRecord::value).toList();
  }

  List<SegmentsProduced> segmentsOf(String sessionId) {
    return eventsOf(sessionId).stream().filter(SegmentsProduced.class::isInstance).map(SegmentsProduced.class::cast)
        .toList();
  }

  List<StatusChanged> statusesOf(String sessionId, String status) {
    return eventsOf(sessionId).stream().filter(StatusChanged.class::isInstance).map(StatusChanged.class::cast)
        .filter(s -> status.equals(s.getStatus())).toList();
  }

  /** Every word published for a session, in publication order, with its stt_session. */
  record PublishedWord(String text, double start, double end, String sttSession) {
  }

  List<PublishedWord> wordsOf(String sessionId) {
    List<PublishedWord> out = new ArrayList<>();
    for (SegmentsProduced p : segmentsOf(sessionId)) {
      for (Segment s : p.getSegments()) {
        for (Word w : s.getWords()) {
          out.add(new PublishedWord(w.getText().replaceAll("[^A-Za-z0-9]", "").toLowerCase(), w.getStart(),
              w.getEnd(), p.getSttSession()));
        }
      }
    }
    return out;
  }

  /** Words published for the session after dropping copies of the same audio (the merger's dedup by time). */
  List<PublishedWord> dedupedWordsOf(String sessionId) {
    List<PublishedWord> accepted = new ArrayList<>();
    for (PublishedWord w : wordsOf(sessionId)) {
      boolean copy = accepted.stream().anyMatch(a -> !a.sttSession().equals(w.sttSession())
          && Math.min(a.end(), w.end()) - Math.max(a.start(), w.start())
          >= 0.5 * Math.min(a.end() - a.start(), w.end() - w.start()));
      if (!copy) {
        accepted.add(w);
      }
    }
    return accepted;
  }

  /** Each expected word exactly once, with its start and end within 15 ms on the session timeline. */
  static void assertWordsExactlyOnce(List<PublishedWord> published, List<ToneScript.ExpectedWord> expected) {
    assertThat(published).as("published words").hasSameSizeAs(expected);
    for (ToneScript.ExpectedWord e : expected) {
      List<PublishedWord> matches = published.stream()
          .filter(p -> p.text().equals(e.text()) && Math.abs(p.start() - e.start()) <= 0.015)
          .toList();
      assertThat(matches).as("word %s at %.3f s", e.text(), e.start()).hasSize(1);
      assertThat(matches.get(0).end()).as("end of %s", e.text()).isCloseTo(e.end(),
          org.assertj.core.data.Offset.offset(0.015));
    }
  }

  static int expectedCount(SegmentsProduced p) {
    return p.getSegments().stream().mapToInt(s -> s.getWords().size()).sum();
  }

  // ------------------------------------------------------------------ emulator faults

  static void putFaults(String emulatorUrl, String json) throws Exception {
    HttpResponse<String> r = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(URI.create(emulatorUrl
            + "/__emulator/faults")).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("PUT faults %s: %s", json, r.body()).isBetween(200, 299);
  }

  static void clearFaults(String emulatorUrl) throws Exception {
    HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(URI.create(emulatorUrl + "/__emulator/faults"))
        .DELETE().build(), HttpResponse.BodyHandlers.ofString());
  }

  static String stats(String emulatorUrl) throws Exception {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(URI.create(emulatorUrl + "/__emulator/stats"))
        .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  static long statsField(String emulatorUrl, String field) throws Exception {
    var m = java.util.regex.Pattern.compile("\"" + field + "\"\\s*:\\s*(\\d+)").matcher(stats(emulatorUrl));
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  /** Committed offsets of the worker's group on audio.degraded, summed; -1 when none. */
  long committedTotal() throws Exception {
    try (var admin = broker.admin()) {
      var offsets = admin.listConsumerGroupOffsets(prefix + "batch-worker").partitionsToOffsetAndMetadata().get();
      return offsets.isEmpty() ? -1 : offsets.values().stream().mapToLong(o -> o == null ? 0 : o.offset()).sum();
    }
  }

  @Override
  public void close() {
    for (ConfigurableApplicationContext ctx : workers) {
      try {
        ctx.close();
      } catch (RuntimeException ignored) {
        // already closed
      }
    }
    collecting = false;
    producer.close(Duration.ofSeconds(5));
  }

  static Properties props(Map<String, String> m) {
    Properties p = new Properties();
    p.putAll(m);
    return p;
  }
}
