package dev.rstt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.testsupport.ToneScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Resumable sessions through the whole pipeline, every service its own JVM (docs/CONTRACT.md section 10): 20 apps on
 * two gateways each drop their TCP connection three times at random moments (seeded) and resume on a random gateway,
 * while Deepgram's live API also fails once for a few seconds. Every word of every session is in its app's transcript
 * and in the stored one exactly once: 0 lost, 0 doubled.
 */
class ResumeChaosIT {

  private static final long SEED = 20261130L;
  private static final int SESSIONS = 20;

  @Test
  void twentySessionsDroppingTheirSocketsThreeTimesWhileDeepgramFailsLoseAndDoubleNoWord() throws Exception {
    Random random = new Random(SEED);
    try (Stack stack = new Stack()) {
      stack.startMerger();
      stack.startSttWorker();
      stack.startBatchWorker();
      List<ServiceProcess> gateways = List.of(stack.startGateway(), stack.startGateway());
      ExecutorService apps = Executors.newFixedThreadPool(SESSIONS);
      List<CompletableFuture<Void>> runs = new ArrayList<>();
      for (int i = 0; i < SESSIONS; i++) {
        ToneScript script = ToneScript.numbered(16000, 100 + 10 * i, 8, i % 4, 250);
        long seed = random.nextLong();
        String uid = "resume-chaos-" + i;
        runs.add(CompletableFuture.runAsync(() -> run(stack, gateways, script, uid, new Random(seed)), apps));
      }
      LockSupport.parkNanos(Duration.ofSeconds(3).toNanos()); // Deepgram fails while the sessions are under way
      stack.faults("{\"live\":{\"close_after_ms\":100,\"close_code\":1011,\"handshake_status\":503}}");
      LockSupport.parkNanos(Duration.ofSeconds(4).toNanos());
      stack.healthy();
      CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
      apps.shutdown();
    }
  }

  private static void run(Stack stack, List<ServiceProcess> gateways, ToneScript script, String uid, Random random) {
    try {
      List<byte[]> messages = script.frames(100);
      ServiceProcess first = gateways.get(random.nextInt(2));
      ResumingApp app = ResumingApp.open(first.httpUrl(), Stack.token(uid));
      TreeSet<Integer> drops = new TreeSet<>();
      while (drops.size() < 3) {
        drops.add(1 + random.nextInt(messages.size() - 2));
      }
      long started = System.nanoTime();
      ServiceProcess last = first;
      for (int n = 0; n < messages.size(); n++) {
        if (drops.remove(n)) {
          last = gateways.get(random.nextInt(2));
          n = (int) app.dropAndResume(last.httpUrl());
          started = System.nanoTime() - n * 50_000_000L;
        }
        long wait = started + n * 50_000_000L - System.nanoTime(); // 100 ms messages at twice real time
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        app.send(messages.get(n));
      }
      app.stop();
      assertThat(app.awaitClose(Duration.ofMinutes(3))).as("%s: close after stop", uid).isEqualTo(1000);
      TranscriptCheck.assertEveryWordOnceInOrder(script.words(), app.segments());
      JsonNode stored = stack.transcript(last, app.sessionId(), uid);
      assertThat(stored.path("complete").asBoolean()).as("%s: stored transcript complete", uid).isTrue();
      List<JsonNode> storedSegments = new ArrayList<>();
      stored.path("segments").forEach(storedSegments::add);
      TranscriptCheck.assertEveryWordOnceInOrder(script.words(), storedSegments);
    } catch (Exception e) {
      throw new IllegalStateException(uid + ": " + e, e);
    }
  }
}
