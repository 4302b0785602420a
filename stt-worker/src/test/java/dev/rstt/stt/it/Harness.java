package dev.rstt.stt.it;

import com.github.f4b6a3.ulid.UlidCreator;
import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.ChannelLabel;
import dev.rstt.avro.LiveResumed;
import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.SessionStarted;
import dev.rstt.avro.StatusChanged;
import dev.rstt.common.audio.Pcm;
import dev.rstt.emulator.DeepgramEmulator;
import dev.rstt.emulator.EmulatorSettings;
import dev.rstt.schemas.Topics;
import dev.rstt.schemas.ValueSerdeProvider;
import dev.rstt.stt.SttWorkerApplication;
import dev.rstt.testsupport.KafkaBroker;
import dev.rstt.testsupport.ToneScript;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the STT worker ITs share: unique topics on the shared broker, the gateway's side (sessions of tone-word
 * audio produced into audio.frames), readers of transcript.events and audio.degraded, workers (in this JVM or as a
 * separate process) and word-by-word checks.
 */
final class Harness implements AutoCloseable {

  static final int RATE = 16_000;
  static final int CHUNK_MS = 100;
  static final JsonMapper JSON = JsonMapper.builder().build();

  final KafkaBroker broker = KafkaBroker.shared();
  final String prefix;
  final Topics topics;
  final Map<String, String> names = new HashMap<>();
  final DeepgramEmulator emulator;
  final int partitions;
  private final KafkaProducer<String, SpecificRecord> gateway;
  private final Reader events;
  private final Reader degraded;
  private final List<ConfigurableApplicationContext> workers = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /**
   * Topics under a fresh prefix and a Deepgram emulator of the test's own, so each test starts with fresh
   * emulator stats and no faults left over; {@link #close()} stops both.
   */
  Harness(String testName, int partitions) {
    this.prefix = KafkaBroker.uniquePrefix(testName);
    this.emulator = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0));
    this.partitions = partitions;
    for (String t : List.of(Topics.AUDIO_FRAMES, Topics.AUDIO_DEGRADED, Topics.TRANSCRIPT_EVENTS,
        Topics.SESSION_UPDATES)) {
      names.put(t, prefix + t);
      broker.createTopics(partitions, prefix + t);
      broker.createTopics(1, prefix + t + "-dlt");
    }
    this.topics = Topics.of(names, ValueSerdeProvider.avroSingleObject());
    Map<String, Object> p = new HashMap<>(broker.clientProperties());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    this.gateway = new KafkaProducer<>(p, new StringSerializer(), topics.audioFrames().valueSerde().serializer());
    this.events = new Reader(topics.transcriptEvents().name(), topics.transcriptEvents().valueSerde().deserializer());
    this.degraded = new Reader(topics.audioDegraded().name(), topics.audioDegraded().valueSerde().deserializer());
  }

  String groupId() {
    return prefix + "stt-worker";
  }

  /** Worker settings: short timeouts so tests take seconds, never sleeps. */
  Map<String, String> workerProperties(Map<String, String> overrides) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("spring.kafka.bootstrap-servers", broker.bootstrapServers());
    m.put("server.port", "0");
    m.put("rstt.topics.audio-frames", names.get(Topics.AUDIO_FRAMES));
    m.put("rstt.topics.audio-degraded", names.get(Topics.AUDIO_DEGRADED));
    m.put("rstt.topics.transcript-events", names.get(Topics.TRANSCRIPT_EVENTS));
    m.put("rstt.topics.session-updates", names.get(Topics.SESSION_UPDATES));
    m.put("rstt.topics.partitions", Integer.toString(partitions));
    m.put("rstt.stt.group-id", groupId());
    m.put("rstt.stt.deepgram.base-url", emulator.httpUrl());
    m.put("rstt.stt.stall-timeout", "2500ms"); // generous: this machine is shared and loaded
    m.put("rstt.stt.finalize-after", "500ms");
    m.put("rstt.stt.close-timeout", "3s");
    m.put("rstt.stt.reconnect-delay", "300ms");
    m.put("rstt.stt.recovery-spread", "1s");
    m.put("rstt.stt.breaker.wait-duration-in-open-state", "2s");
    m.put("rstt.stt.breaker.max-wait-duration-in-half-open-state", "5s");
    m.put("spring.kafka.consumer.properties.session.timeout.ms", "6000");
    m.put("spring.kafka.consumer.properties.heartbeat.interval.ms", "1000");
    m.putAll(overrides);
    return m;
  }

  ConfigurableApplicationContext startWorker(Map<String, String> overrides) {
    String[] args = workerProperties(overrides).entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
        .toArray(String[]::new);
    ConfigurableApplicationContext ctx = new SpringApplicationBuilder(SttWorkerApplication.class).run(args);
    workers.add(ctx);
    return ctx;
  }

  /** The worker as its own JVM (the exec jar), so a test can kill it with SIGKILL. */
  Process startWorkerProcess(Map<String, String> overrides, java.io.File log) throws java.io.IOException {
    List<String> cmd = new ArrayList<>(List.of(
        java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", "target/stt-worker-exec.jar"));
    workerProperties(overrides).forEach((k, v) -> cmd.add("--" + k + "=" + v));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
    processes.add(p);
    return p;
  }

  // ------------------------------------------------------------------------------------------------------------
  // The gateway's side

  /** A session of tone-word audio cut into 100 ms chunks. */
  final class GatewaySession {
    final String id;
    /** The session's channel this stream is (0: a one-channel session; 1 and 2: docs/CONTRACT.md section 11). */
    final int channel;
    final ToneScript script;
    final List<AudioChunk> chunks = new ArrayList<>();
    private int next;

    GatewaySession(ToneScript script) {
      this(UlidCreator.getMonotonicUlid().toString(), 0, script);
    }

    GatewaySession(String id, int channel, ToneScript script) {
      this.id = id;
      this.channel = channel;
      this.script = script;
      long offset = 0;
      long seq = 0;
      for (byte[] frame : script.frames(CHUNK_MS)) {
        chunks.add(AudioChunk.newBuilder().setSessionId(id).setUserId("user-1").setSeq(seq++)
            .setOffsetSamples(offset).setSampleRate(RATE).setChannels(1).setLanguage("en")
            .setPcm(ByteBuffer.wrap(frame)).setChannel(channel).build());
        offset += Pcm.frames(frame.length, 1);
      }
    }

    /** SessionStarted (a two-channel session's, naming both channels, from its channel 1; none from channel 2). */
    void start() {
      if (channel == 2) {
        return;
      }
      send(SessionStarted.newBuilder().setSessionId(id).setUserId("user-1").setLanguage("en").setSampleRate(RATE)
          .setChannels(channel == 0 ? 1 : 2).setCodec("pcm16").setStartedAtMs(System.currentTimeMillis())
          .setChannelLabels(channel == 0 ? null : List.of(new ChannelLabel(1, "mic", true, "SPEAKER_00"),
              new ChannelLabel(2, "remote", false, "SPEAKER_01"))).build());
    }

    /** Sends chunks up to (excluding) index {@code to}. */
    void sendUntil(int to) {
      while (next < Math.min(to, chunks.size())) {
        send(chunks.get(next++));
      }
      gateway.flush();
    }

    void end() {
      sendUntil(chunks.size());
      AudioChunk last = chunks.get(chunks.size() - 1);
      send(SessionEnded.newBuilder().setSessionId(id).setUserId("user-1").setLastSeq(last.getSeq())
          .setEndOffsetSamples(endOffset()).setSampleRate(RATE).setReason("stop").setChannel(channel).build());
      gateway.flush();
    }

    long endOffset() {
      AudioChunk last = chunks.get(chunks.size() - 1);
      return last.getOffsetSamples() + Pcm.frames(last.getPcm().remaining(), 1);
    }

    int chunkIndexAt(double seconds) {
      return (int) Math.ceil(seconds * 1000 / CHUNK_MS);
    }

    private void send(SpecificRecord value) {
      gateway.send(new ProducerRecord<>(topics.audioFrames().name(), id, value));
    }
  }

  GatewaySession session(ToneScript script) {
    return new GatewaySession(script);
  }

  /** Channel {@code channel} of the two-channel session {@code id}. */
  GatewaySession channel(String id, int channel, ToneScript script) {
    return new GatewaySession(id, channel, script);
  }

  /** Writes raw bytes to audio.frames (a record no worker can decode). */
  void sendRaw(String key, byte[] value) throws Exception {
    Map<String, Object> p = new HashMap<>(broker.clientProperties());
    try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(p, new StringSerializer(),
        new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(topics.audioFrames().name(), key, value)).get();
    }
  }

  /** Records on audio.frames-dlt. */
  List<ConsumerRecord<String, byte[]>> deadLetters() {
    Properties p = new Properties();
    p.putAll(broker.clientProperties());
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topics.audioFrames().deadLetterName(), 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
      c.poll(Duration.ofMillis(500)).forEach(out::add);
      return out;
    }
  }

  /** A GET that times out after 15 s and is tried once more (Java 17's client can hang on a pooled connection). */
  String httpGet(String url) throws Exception {
    HttpRequest get = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).GET().build();
    try {
      return http.send(get, HttpResponse.BodyHandlers.ofString()).body();
    } catch (HttpTimeoutException first) {
      return http.send(get, HttpResponse.BodyHandlers.ofString()).body();
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Outputs

  List<SpecificRecord> events(String sessionId) {
    return events.read(sessionId);
  }

  List<SpecificRecord> degraded(String sessionId) {
    return degraded.read(sessionId);
  }

  List<StatusChanged> statuses(String sessionId) {
    return events(sessionId).stream().filter(StatusChanged.class::isInstance).map(StatusChanged.class::cast).toList();
  }

  List<String> statusNames(String sessionId) {
    return statuses(sessionId).stream().map(StatusChanged::getStatus).toList();
  }

  List<SegmentsProduced> segments(String sessionId) {
    return events(sessionId).stream().filter(SegmentsProduced.class::isInstance).map(SegmentsProduced.class::cast)
        .toList();
  }

  List<LiveResumed> liveResumed(String sessionId) {
    return degraded(sessionId).stream().filter(LiveResumed.class::isInstance).map(LiveResumed.class::cast).toList();
  }

  List<AudioChunk> rerouted(String sessionId) {
    return degraded(sessionId).stream().filter(AudioChunk.class::isInstance).map(AudioChunk.class::cast).toList();
  }

  /** A word heard by some path: normalised text, session-timeline seconds, the stt_session that heard it. */
  record Heard(String text, double start, double end, String sttSession, String speaker) {
  }

  static String norm(String word) {
    return word.toLowerCase().replaceAll("[^a-z0-9]", "");
  }

  List<Heard> liveWords(String sessionId) {
    List<Heard> out = new ArrayList<>();
    for (SegmentsProduced sp : segments(sessionId)) {
      sp.getSegments().forEach(seg -> seg.getWords().forEach(w -> out.add(new Heard(norm(w.getText()), w.getStart(),
          w.getEnd(), sp.getSttSession(), seg.getSpeaker()))));
    }
    return out;
  }

  /**
   * The rerouted audio reassembled by offset into contiguous runs, each transcribed through the emulator's
   * pre-recorded endpoint (as the batch worker would), words shifted onto the session timeline.
   */
  List<Heard> batchWords(String sessionId) throws Exception {
    TreeMap<Long, AudioChunk> bySeq = new TreeMap<>();
    for (AudioChunk c : rerouted(sessionId)) {
      bySeq.put(c.getSeq(), c);
    }
    List<Heard> out = new ArrayList<>();
    List<AudioChunk> run = new ArrayList<>();
    for (AudioChunk c : bySeq.values()) {
      if (!run.isEmpty()) {
        AudioChunk prev = run.get(run.size() - 1);
        if (prev.getOffsetSamples() + Pcm.frames(prev.getPcm().remaining(), 1) != c.getOffsetSamples()) {
          out.addAll(transcribeRun(run, out.size()));
          run = new ArrayList<>();
        }
      }
      run.add(c);
    }
    if (!run.isEmpty()) {
      out.addAll(transcribeRun(run, out.size()));
    }
    return out;
  }

  private List<Heard> transcribeRun(List<AudioChunk> run, int n) throws Exception {
    ByteArrayOutputStream pcm = new ByteArrayOutputStream();
    for (AudioChunk c : run) {
      ByteBuffer b = c.getPcm().duplicate();
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      pcm.write(bytes);
    }
    long start = run.get(0).getOffsetSamples();
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create(emulator.httpUrl() + "/v1/listen?model=nova-3&punctuate=true&diarize=true"))
        .header("Authorization", "Token emulator").header("Content-Type", "audio/wav")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Pcm.wav(pcm.toByteArray(), RATE, 1))).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("pre-recorded " + response.statusCode() + ": " + response.body());
    }
    JsonNode words = JSON.readTree(response.body()).path("results").path("channels").get(0).path("alternatives")
        .get(0).path("words");
    List<Heard> out = new ArrayList<>();
    double offset = (double) start / RATE;
    for (JsonNode w : words) {
      out.add(new Heard(norm(w.path("word").asString()), w.path("start").asDouble() + offset,
          w.path("end").asDouble() + offset, "batch-" + start, "SPEAKER_" + w.path("speaker").asInt(0)));
    }
    return out;
  }

  /** Heard words matching an expected one: same text, start within 50 ms. */
  static List<Heard> matches(ToneScript.ExpectedWord expected, List<Heard> heard) {
    return heard.stream().filter(h -> h.text().equals(expected.text())
        && Math.abs(h.start() - expected.start()) <= 0.05 && Math.abs(h.end() - expected.end()) <= 0.05).toList();
  }

  /** Heard words that match no expected word (a wrong or invented word). */
  static List<Heard> strays(ToneScript script, List<Heard> heard) {
    return heard.stream().filter(h -> script.words().stream().noneMatch(e -> h.text().equals(e.text())
        && Math.abs(h.start() - e.start()) <= 0.05)).toList();
  }

  /**
   * Merger semantics (CONTRACT.md section 6.2): words of different stt_sessions overlapping in time are one word.
   * Returns the deduplicated words in time order.
   */
  static List<Heard> dedup(List<Heard> heard) {
    List<Heard> accepted = new ArrayList<>();
    for (Heard h : heard) {
      boolean dup = accepted.stream().anyMatch(a -> !a.sttSession().equals(h.sttSession())
          && Math.min(a.end(), h.end()) - Math.max(a.start(), h.start())
          >= 0.5 * Math.min(a.end() - a.start(), h.end() - h.start()));
      if (!dup) {
        accepted.add(h);
      }
    }
    accepted.sort(Comparator.comparingDouble(Heard::start));
    return accepted;
  }

  static String describe(List<Heard> words) {
    return words.stream().map(h -> h.text() + "@" + String.format("%.2f", h.start())).collect(Collectors.joining(" "));
  }

  /** Committed offset of the worker group per partition vs the end of audio.frames. */
  Map<TopicPartition, long[]> committedVsEnd() throws Exception {
    try (Admin admin = broker.admin()) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId())
          .partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int i = 0; i < partitions; i++) {
        latest.put(new TopicPartition(topics.audioFrames().name(), i), OffsetSpec.latest());
      }
      Map<TopicPartition, long[]> out = new HashMap<>();
      admin.listOffsets(latest).all().get().forEach((tp, info) -> {
        OffsetAndMetadata c = committed.get(tp);
        out.put(tp, new long[] {c == null ? 0 : c.offset(), info.offset()});
      });
      return out;
    }
  }

  /** Whether some member of the worker group holds a partition. */
  boolean groupHasAssignment() {
    try (Admin admin = broker.admin()) {
      var description = admin.describeConsumerGroups(List.of(groupId())).all().get().get(groupId());
      return description.members().stream().anyMatch(m -> !m.assignment().topicPartitions().isEmpty());
    } catch (Exception e) {
      return false; // the group does not exist yet
    }
  }

  int groupMembers() throws Exception {
    try (Admin admin = broker.admin()) {
      return admin.describeConsumerGroups(List.of(groupId())).all().get().get(groupId()).members().size();
    }
  }

  long emulatorStat(String name) {
    return ((Number) emulator.stats().get(name)).longValue();
  }

  void putFaults(String json) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(emulator.httpUrl() + "/__emulator/faults"))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException("PUT faults " + r.statusCode() + ": " + r.body());
    }
  }

  void clearFaults() throws Exception {
    http.send(HttpRequest.newBuilder(URI.create(emulator.httpUrl() + "/__emulator/faults")).DELETE().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (ConfigurableApplicationContext w : workers) {
      try {
        w.close();
      } catch (RuntimeException ignored) {
        // best effort
      }
    }
    gateway.close(Duration.ofSeconds(2));
    events.close();
    degraded.close();
    emulator.close();
  }

  /** Reads a whole topic from the beginning, accumulating records by session. */
  final class Reader implements AutoCloseable {
    private final KafkaConsumer<String, SpecificRecord> consumer;
    private final Map<String, List<SpecificRecord>> bySession = new HashMap<>();

    Reader(String topic, org.apache.kafka.common.serialization.Deserializer<SpecificRecord> values) {
      Properties p = new Properties();
      p.putAll(broker.clientProperties());
      p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      consumer = new KafkaConsumer<>(p, new StringDeserializer(), values);
      List<TopicPartition> tps = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic)) {
        tps.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
    }

    /** The session's records, after reading the topic up to its end offsets at the time of the call. */
    synchronized List<SpecificRecord> read(String sessionId) {
      Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(15));
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      do {
        for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(100))) {
          bySession.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
        }
      } while (!caughtUp(ends) && System.nanoTime() < deadline);
      return List.copyOf(bySession.getOrDefault(sessionId, List.of()));
    }

    private boolean caughtUp(Map<TopicPartition, Long> ends) {
      return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    @Override
    public synchronized void close() {
      consumer.close(Duration.ofSeconds(1));
    }
  }
}
