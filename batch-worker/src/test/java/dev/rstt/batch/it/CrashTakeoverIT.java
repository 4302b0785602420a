package dev.rstt.batch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.avro.AudioChunk;
import dev.rstt.emulator.DeepgramEmulator;
import dev.rstt.emulator.EmulatorSettings;
import dev.rstt.testsupport.ToneScript;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * A batch worker in its own JVM, killed with SIGKILL while it holds buffered audio and has committed part of
 * the partition; another instance of the group takes the partition over and no word is lost.
 */
class CrashTakeoverIT {

  private DeepgramEmulator emulator;
  private BatchHarness h;
  private Process child;

  @BeforeEach
  void start(TestInfo test) {
    emulator = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0));
    h = new BatchHarness(test.getDisplayName());
  }

  @AfterEach
  void stop() {
    if (child != null && child.isAlive()) {
      child.destroyForcibly();
    }
    h.close();
    emulator.close();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static double scrape(int port, String metric) {
    try {
      String body = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      Matcher m = Pattern.compile("(?m)^" + metric + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(body);
      return m.find() ? Double.parseDouble(m.group(2)) : -1;
    } catch (Exception notUp) {
      return -1;
    }
  }

  @Test
  void shouldLoseNoWordWhenAWorkerIsKilledWithBufferedAudio() throws Exception {
    Map<String, String> props = h.workerProperties(emulator.httpUrl());
    props.put("rstt.batch.min-chunk", "3s");
    props.put("rstt.batch.max-chunk", "10s");
    props.put("rstt.batch.idle-flush", "5m");
    props.put("spring.kafka.consumer.properties.session.timeout.ms", "6000");
    int port = freePort();
    props.put("server.port", Integer.toString(port));
    props.put("spring.main.web-application-type", "reactive");

    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.add("-jar");
    command.add(Path.of("target", "batch-worker-exec.jar").toAbsolutePath().toString());
    props.forEach((k, v) -> command.add("--" + k + "=" + v));
    File log = Path.of("target", "crash-takeover-worker.log").toFile();
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log);
    pb.environment().put("KAFKA_BOOTSTRAP", h.broker.bootstrapServers());
    pb.environment().put("DEEPGRAM_BASE_URL", emulator.httpUrl());
    child = pb.start();

    int rate = 16000;
    String session = "01SESSIONCRASH0000000000001";
    ToneScript script = ToneScript.random(new Random(99), rate, 50, 700);
    List<AudioChunk> audio = h.chunks(session, script, 0, 0, 100);
    int firstPart = audio.size() * 2 / 3;
    h.sendAll(session, audio.subList(0, firstPart));

    // The child has published some chunks, committed past them, and still holds the tail in memory.
    await().atMost(Duration.ofSeconds(90)).until(() -> h.segmentsOf(session).size() >= 2
        && h.committedTotal() > 0 && scrape(port, "rstt_batch_buffered_bytes") > 0
        && scrape(port, "rstt_batch_buffered_bytes") == scrape(port, "rstt_batch_buffered_bytes"));
    long committedAtKill = h.committedTotal();
    assertThat(committedAtKill).isLessThan(firstPart);

    child.destroyForcibly(); // SIGKILL: no shutdown hook, no commit, no leave-group
    assertThat(child.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).isEqualTo(137);
    int segmentsBeforeTakeover = h.segmentsOf(session).size();

    List<SpecificRecord> rest = new ArrayList<>(audio.subList(firstPart, audio.size()));
    rest.add(BatchHarness.sessionEnded(session, audio.size() - 1, script.sampleCount(), rate));
    h.sendAll(session, rest);
    props.put("server.port", "0");
    props.put("spring.main.web-application-type", "none");
    h.startWorker(props);

    await().atMost(Duration.ofSeconds(90)).until(() -> !h.statusesOf(session, "batch_finished").isEmpty());
    assertThat(h.segmentsOf(session).size()).isGreaterThan(segmentsBeforeTakeover);
    // Every word at least once in what was published; once after the merger's dedup by audio time.
    for (ToneScript.ExpectedWord w : script.words()) {
      assertThat(h.wordsOf(session)).as("word %s", w.text())
          .anyMatch(p -> p.text().equals(w.text()) && Math.abs(p.start() - w.start()) <= 0.015);
    }
    BatchHarness.assertWordsExactlyOnce(h.dedupedWordsOf(session), script.words());
    await().atMost(Duration.ofSeconds(15)).until(() -> h.committedTotal() == audio.size() + 1);
    assertThat(Files.size(log.toPath())).isPositive();
  }
}
