package dev.rstt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.testsupport.ToneScript;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Logs are UI, never a copy of the data: a whole pipeline run (live, a degraded episode through the batch path,
 * the merger) with every service logging this project's code at TRACE and Spring Kafka at TRACE, Kafka Streams at
 * DEBUG; then no line of any service's log may contain a word of the transcript or the user id.
 */
class LogHygieneIT {

  private static final String UID = "loghygiene-user-7f3a";

  /** Loggers that would print records if anything did, turned up for this run. */
  private static final List<String> VERBOSE = List.of(
      "--logging.level.dev.rstt=TRACE",
      "--logging.level.org.springframework.kafka=TRACE",
      "--logging.level.org.apache.kafka.streams=DEBUG");

  @Test
  void shouldNeverLogTranscriptTextOrUserIds() throws Exception {
    ToneScript script = ToneScript.numbered(16000, 731, 12, 2, 300);
    List<Path> logs = new ArrayList<>();
    try (Stack stack = new Stack(null, VERBOSE)) {
      logs.add(stack.startMerger().logFile());
      logs.add(stack.startSttWorker().logFile());
      logs.add(stack.startBatchWorker().logFile());
      ServiceProcess gateway = stack.startGateway();
      logs.add(gateway.logFile());

      AppSession app = AppSession.open(gateway.httpUrl(), Stack.token(UID), 16000);
      CompletableFuture<Void> streaming = app.stream(script, 1.0, 100);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> app.wordsHeard() >= 3);
      // a degraded episode, so the reroute and the batch path log too
      stack.faults("{\"live\":{\"close_after_ms\":100,\"close_code\":1011,\"handshake_status\":503}}");
      Stack.awaitStatus(app, "stt_degraded", Duration.ofSeconds(10));
      stack.healthy();
      streaming.get(2, TimeUnit.MINUTES);
      app.stop();
      assertThat(app.awaitClose(Duration.ofSeconds(120))).isEqualTo(1000);
      TranscriptCheck.assertEveryWordOnceInOrder(script.words(), app.segments());
      stack.transcript(gateway, app.sessionId(), UID);
    }

    List<Pattern> secrets = new ArrayList<>();
    script.words().forEach(w -> secrets.add(Pattern.compile("\\b" + Pattern.quote(w.text()) + "\\b")));
    secrets.add(Pattern.compile(Pattern.quote(UID)));
    secrets.add(Pattern.compile(Pattern.quote(Stack.SECRET))); // the gateway's HS256 secret
    secrets.add(Pattern.compile(Pattern.quote(Stack.INTERNAL_SECRET))); // the gateway's credential for the merger
    secrets.add(Pattern.compile(Pattern.quote(Stack.token(UID).split("\\.")[0] + ".")));
    long lines = 0;
    for (Path log : logs) {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      lines += all.size();
      for (String line : all) {
        for (Pattern secret : secrets) {
          assertThat(secret.matcher(line).find()).as("%s logged %s: %s", log.getFileName(), secret, line).isFalse();
        }
      }
    }
    assertThat(lines).as("the services did log (at TRACE)").isGreaterThan(1000);
  }
}
