package dev.rstt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.SessionEnded;
import dev.rstt.emulator.EmulatorSettings;
import dev.rstt.emulator.recognizer.RecognizedWord;
import dev.rstt.emulator.recognizer.ToneWordRecognizer;
import dev.rstt.schemas.Topic;
import dev.rstt.schemas.Topics;
import dev.rstt.schemas.ValueSerdeProvider;
import dev.rstt.testsupport.ToneScript;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The gateway's web page in real Chromium (Debian's, driven by playwright-core; never a downloaded browser) against
 * the whole stack, every service its own JVM: the page's microphone is a fake capture device playing a tone-word
 * WAV. A person's view is checked: a bad token refused; every word of the WAV shown once, in order, through a live
 * Deepgram outage injected and cleared from the page's own fault panel, with the badge going live → degraded →
 * recovered → complete; "Play sample" shows every word of the bundled sample. Screenshots land in
 * {@code e2e-tests/target/web-page/}.
 */
class WebPageIT {

  private static final Path JS = ServiceProcess.ROOT.resolve("e2e-tests/src/test/js");
  private static final Path OUT = ServiceProcess.ROOT.resolve("e2e-tests/target/web-page");
  private static final Path CHROMIUM = Path.of(System.getProperty("rstt.chromium", "/usr/bin/chromium"));
  private static final int FAULT_AFTER_WORDS = 8;

  /** 44 distinct words in groups of four per speaker, 0.35 s apart, after 1 s of silence: about 26 s. */
  static ToneScript micScript() {
    ToneScript.Builder b = ToneScript.builder(16000).silence(1000);
    for (int i = 0; i < 44; i++) {
      if (i > 0) {
        b.silence(350);
      }
      b.word((i / 4) % 2, String.format("%03d", 300 + i * 3));
    }
    return b.silence(1500).build();
  }

  @Test
  void shouldShowEveryWordOnceThroughAnOutageInjectedFromThePage() throws Exception {
    requireBrowser();
    Files.createDirectories(OUT);
    ToneScript mic = micScript();
    Path micWav = OUT.resolve("mic-tone-words.wav");
    Files.write(micWav, mic.wav());
    List<String> sampleWords = heard(ServiceProcess.ROOT.resolve("samples/tone-words-16k.wav"));
    assertThat(sampleWords).as("the bundled sample's words").hasSize(20);

    int gatewayPort = ServiceProcess.freePort();
    String pageOrigin = "http://127.0.0.1:" + gatewayPort;
    // development mode, as ./pipeline up runs it: the emulator's admin API is opened to the page's origin only
    try (Stack stack = new Stack(EmulatorSettings.defaults().withPort(0).withAdminCorsOrigins(Set.of(pageOrigin)))) {
      stack.startMerger();
      stack.startSttWorker();
      stack.startBatchWorker();
      ServiceProcess gateway = stack.start("ingest-gateway", gatewayPort, List.of(
          "--rstt.gateway.merger-url=" + stack.merger.httpUrl(),
          "--rstt.dev-mode=true",
          "--rstt.gateway.web.fault-api-url=" + stack.emulator.adminUrl()));

      long started = System.nanoTime();
      JsonNode report = drive(pageOrigin + "/", micWav, mic.words().size());
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
      System.out.printf("WebPageIT: the browser test took %d s (page steps %s)%n", seconds, report.path("steps"));
      assertThat(report.path("ok").asBoolean())
          .as("the page run: %s%nwords on the page: %s%nbadge: %s%nevents: %s%nproblems: %s", report.path("error"),
              report.path("failure_words"), report.path("failure_phase"), report.path("failure_events"),
              report.path("problems"))
          .isTrue();

      JsonNode refused = report.path("refused");
      assertThat(refused.path("notice").asString()).as("the refusal shown").contains("invalid_token");
      assertThat(refused.path("events").toString()).contains("token refused");

      JsonNode micRun = report.path("mic");
      String sessionId = micRun.path("session").asString();
      // what reached the gateway, as the emulator hears it: the browser's capture is checked apart from the
      // pipeline, so a capture glitch (Chromium's audio thread starved on a loaded machine) is named as such
      List<String> reachedUs = heard(stack, sessionId);
      assertThat(normalized(micRun.path("words")))
          .as("every word that reached the gateway shown on the page, exactly once, in order")
          .containsExactlyElementsOf(reachedUs);
      assertThat(reachedUs).as("the browser captured every word of the fake microphone's WAV (if only this fails, "
              + "Chromium's audio capture glitched: see the audio on %saudio.frames)", stack.prefix)
          .containsExactlyElementsOf(mic.words().stream().map(ToneScript.ExpectedWord::text).toList());
      assertThat(texts(micRun.path("phases"))).as("badge phases")
          .containsSubsequence("connecting", "live", "degraded", "recovered", "complete");
      assertThat(report.path("degraded_badge").asString()).matches("degraded · batch every \\d+ s");
      assertThat(report.path("degraded_title").asString()).contains("unavailable");
      assertThat(report.path("banner_visible").asBoolean()).as("the outage banner").isTrue();
      assertThat(report.path("recovered_title").asString()).contains("Back on Deepgram live");
      assertThat(micRun.path("problems").isEmpty()).as("page errors: %s", micRun.path("problems")).isTrue();
      JsonNode faultsApplied = stack.emulatorStats();
      assertThat(faultsApplied.path("live_fault_closed").asLong() + faultsApplied.path("live_refused").asLong())
          .as("the fault panel's fault reached the emulator").isPositive();

      // what the page showed is what the pipeline stored
      String uid = micRun.path("auth").asString().replaceAll(".*(web-[0-9a-f]{8}).*", "$1");
      JsonNode stored = stack.transcript(gateway, sessionId, uid);
      assertThat(stored.path("complete").asBoolean()).isTrue();
      List<String> storedWords = new ArrayList<>();
      stored.path("segments").forEach(s -> storedWords.addAll(List.of(s.path("text").asString().split("\\s+"))));
      assertThat(normalized(storedWords)).as("stored transcript")
          .containsExactlyElementsOf(normalized(micRun.path("words")));

      JsonNode sample = report.path("sample");
      assertThat(normalized(sample.path("words"))).as("Play sample: every word of the bundled sample, in order")
          .containsExactlyElementsOf(sampleWords);
      assertThat(sample.path("session").asString()).isNotEqualTo(sessionId);

      for (String shot : List.of("web-page-refused.png", "web-page-outage.png", "web-page-mic-complete.png",
          "web-page-sample.png")) {
        assertThat(OUT.resolve(shot)).as("screenshot").isNotEmptyFile();
      }
    }
  }

  /** Runs the page script; its JSON report on stdout, its progress in {@code node.log}. */
  private static JsonNode drive(String pageUrl, Path micWav, int micWords) throws Exception {
    Path log = OUT.resolve("node.log");
    Path stdout = OUT.resolve("report.json");
    ProcessBuilder builder = new ProcessBuilder("node", "web-page.mjs").directory(JS.toFile())
        .redirectError(log.toFile()).redirectOutput(stdout.toFile());
    builder.environment().put("PAGE_URL", pageUrl);
    builder.environment().put("MIC_WAV", micWav.toString());
    builder.environment().put("MIC_WORDS", Integer.toString(micWords));
    builder.environment().put("FAULT_AFTER_WORDS", Integer.toString(FAULT_AFTER_WORDS));
    builder.environment().put("OUT_DIR", OUT.toString());
    builder.environment().put("CHROMIUM", CHROMIUM.toString());
    Process node = builder.start();
    if (!node.waitFor(8, TimeUnit.MINUTES)) {
      node.descendants().forEach(ProcessHandle::destroyForcibly);
      node.destroyForcibly();
      throw new AssertionError("the page script did not finish in 8 minutes; see " + log);
    }
    String out = Files.readString(stdout, StandardCharsets.UTF_8).strip();
    System.out.println(Files.readString(log, StandardCharsets.UTF_8));
    assertThat(out).as("the page script's report (exit %d, log %s)", node.exitValue(), log).isNotBlank();
    return AppSession.JSON.readTree(out.substring(out.lastIndexOf('\n') + 1));
  }

  /** Chromium and node are installed by .ci/run; elsewhere a missing browser skips the test, in CI it fails it. */
  private static void requireBrowser() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isDirectory(JS.resolve("node_modules/playwright-core"));
    String why = "needs Debian's Chromium at " + CHROMIUM + " (apt-get install chromium) and playwright-core in "
        + JS + "/node_modules (npm ci, run by the build)";
    if (System.getenv("CI") != null) {
      assertThat(present).as(why).isTrue();
    }
    Assumptions.assumeTrue(present, why);
  }

  /** The words of a session's audio on audio.frames (its chunks in seq order), as the emulator hears them. */
  private static List<String> heard(Stack stack, String sessionId) {
    Topic<String, SpecificRecord> topic = Topics.of(Map.of(Topics.AUDIO_FRAMES, stack.prefix + "audio.frames"),
        ValueSerdeProvider.avroSingleObject()).audioFrames();
    Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "web-page-it-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    TreeMap<Long, byte[]> chunks = new TreeMap<>();
    boolean ended = false;
    try (KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(config, topic.keySerde().deserializer(),
        topic.valueSerde().deserializer())) {
      consumer.subscribe(List.of(topic.name()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!ended && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(500))) {
          if (sessionId.equals(r.key()) && r.value() instanceof AudioChunk chunk) {
            ByteBuffer pcm = chunk.getPcm().duplicate();
            byte[] bytes = new byte[pcm.remaining()];
            pcm.get(bytes);
            chunks.put(chunk.getSeq(), bytes);
          }
          ended |= sessionId.equals(r.key()) && r.value() instanceof SessionEnded;
        }
      }
    }
    assertThat(ended).as("SessionEnded of %s on audio.frames", sessionId).isTrue();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    chunks.values().forEach(all::writeBytes);
    return heard(all.toByteArray(), 0);
  }

  /** The words a recording holds, as the emulator hears them. */
  private static List<String> heard(Path wav) throws Exception {
    return heard(Files.readAllBytes(wav), 44);
  }

  private static List<String> heard(byte[] bytes, int offset) {
    List<String> words = new ArrayList<>();
    ToneWordRecognizer recognizer = new ToneWordRecognizer(16000, new ToneWordRecognizer.Listener() {
      @Override
      public void onWord(RecognizedWord word, long positionSamples) {
        words.add(word.text());
      }
    });
    recognizer.feedPcm16(bytes, offset, bytes.length - offset, 1);
    recognizer.finish();
    return words;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asString()));
    return out;
  }

  /** "W100." and "w100" are the same word: lower case, letters and digits only. */
  private static List<String> normalized(JsonNode array) {
    return normalized(texts(array));
  }

  private static List<String> normalized(List<String> words) {
    return words.stream().map(w -> w.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT))
        .filter(w -> !w.isEmpty()).toList();
  }
}
