package dev.rstt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.testsupport.ToneScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * Flapping Deepgram, end to end (docs/CONTRACT.md sections 4-6): every live socket dies ~300 ms after it opens
 * while pre-recorded answers take seconds, so degraded episodes follow one another faster than the batch worker
 * answers them and a recovery is published after the next episode began; Deepgram then recovers a few seconds
 * before the apps send {@code stop}. Each round runs three concurrent sessions on a seeded schedule (session
 * starts, pauses between words, when the flapping starts and ends, the pre-recorded delay); the seed of each
 * round is printed first, so a failing round's schedule can be replayed with {@code -Dflap.seed=S
 * -Dflap.rounds=1} (the services' own timing still varies from run to run). A failing session's records on
 * {@code audio.degraded} and {@code transcript.events} are printed ({@link SessionTimeline}).
 *
 * <p>Checked for every session: close 1000 after stop; every word exactly once, in order, inside its segment,
 * one stt_session per segment, both in what the app saw and in the stored transcript, which is {@code complete};
 * the app's view is the stored transcript; statuses at the app alternate {@code stt_degraded}/{@code stt_recovered}.
 *
 * <p>After those rounds, {@code flap.realism-rounds} (2) more run with the emulator's realism on (seeded by the
 * round's seed): each path's word times off by up to 40 ms, fragments for words cut by a connection's or chunk's
 * edges, which every switch makes; no fragment may survive, and segments are checked within the drift plus 50 ms.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlappingDeepgramIT {

  private static final Duration COMPLETE = Duration.ofSeconds(120);
  private static final int SESSIONS = 3;
  private static final int WORDS = 40;

  private Stack stack;
  private ServiceProcess gateway;
  private ServiceProcess merger;
  private int nextWord;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @BeforeAll
  void startStack() {
    stack = new Stack();
    merger = stack.startMerger();
    stack.startSttWorker();
    stack.startBatchWorker();
    gateway = stack.startGateway();
  }

  @AfterAll
  void stopStack() throws Exception {
    timer.shutdownNow();
    if (stack != null) {
      stack.close();
    }
  }

  /** One session of a round: its user, its script, its app and the streaming of the script. */
  private record Run(String uid, ToneScript script, AppSession app, CompletableFuture<Void> streaming) {
  }

  @Test
  void shouldLoseNothingWhileLiveSocketsFlapAndPrerecordedIsSlow() throws Exception {
    long base = Long.getLong("flap.seed", 20_240_611L);
    int rounds = Integer.getInteger("flap.rounds", 3);
    int realismRounds = Integer.getInteger("flap.realism-rounds", 2);
    List<String> failures = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      failures.addAll(round(base + round, false));
    }
    SessionTimeline.Switches total = SessionTimeline.NONE;
    int fragments = stack.emulatorStats().path("realism_fragments").asInt();
    double dropped = Stack.metric(merger, "rstt_merger_words_deduplicated_total");
    double replaced = Stack.metric(merger, "rstt_merger_words_replaced_total");
    for (int round = 0; round < realismRounds; round++) {
      failures.addAll(round(base + rounds + round, true));
    }
    if (realismRounds > 0) {
      System.out.printf("FlappingDeepgramIT with realism, %d rounds: emulator fragments %d; merger dropped %.0f "
              + "copies, replaced %.0f%n", realismRounds,
          stack.emulatorStats().path("realism_fragments").asInt() - fragments,
          Stack.metric(merger, "rstt_merger_words_deduplicated_total") - dropped,
          Stack.metric(merger, "rstt_merger_words_replaced_total") - replaced);
    }
    assertThat(failures).as("sessions that lost, doubled or misplaced words, or closed early").isEmpty();
  }

  private List<String> round(long seed, boolean realism) throws Exception {
    Random random = new Random(seed);
    System.out.printf("FlappingDeepgramIT round seed=%d%s%n", seed, realism ? " with realism" : "");
    stack.healthy();
    if (realism) {
      stack.realism(seed);
    }
    List<CompletableFuture<Run>> starting = new ArrayList<>();
    long startMs = 0;
    long firstEndMs = Long.MAX_VALUE;
    for (int i = 0; i < SESSIONS; i++) {
      ToneScript script = ToneScript.numbered(16000, nextWord, WORDS, i % 4, 250 + random.nextInt(150));
      nextWord += WORDS;
      firstEndMs = Math.min(firstEndMs, startMs + (long) (script.durationSeconds() * 1000));
      String uid = "flap-" + seed + "-" + i;
      starting.add(CompletableFuture.supplyAsync(() -> {
        AppSession app = AppSession.open(gateway.httpUrl(), Stack.token(uid), 16000);
        return new Run(uid, script, app, app.stream(script, 1.0, 100));
      }, CompletableFuture.delayedExecutor(startMs, TimeUnit.MILLISECONDS)));
      startMs += random.nextInt(1500);
    }
    // Flap from a few seconds in until a few seconds before the first session ends.
    long flapFromMs = 2500 + random.nextInt(2000);
    long healthyAtMs = firstEndMs - 2000 - random.nextInt(2500);
    int prerecordedDelayMs = 3000 + random.nextInt(3000);
    String faults = "{\"live\":{\"close_after_ms\":300,\"close_code\":1011},\"prerecorded\":{\"delay_ms\":"
        + prerecordedDelayMs + "}}";
    System.out.printf("  flapping %d..%d ms, pre-recorded delay %d ms%n", flapFromMs, healthyAtMs, prerecordedDelayMs);
    var flap = timer.schedule(() -> stack.faults(faults), flapFromMs, TimeUnit.MILLISECONDS);
    var heal = timer.schedule(stack::healthy, healthyAtMs, TimeUnit.MILLISECONDS);
    List<Run> runs = new ArrayList<>();
    for (CompletableFuture<Run> s : starting) {
      Run run = s.get(1, TimeUnit.MINUTES);
      runs.add(run);
    }
    // Each app sends stop as soon as its script is streamed.
    CompletableFuture.allOf(runs.stream().map(r -> r.streaming().thenRun(r.app()::stop))
        .toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
    flap.get(1, TimeUnit.MINUTES);
    heal.get(1, TimeUnit.MINUTES);
    List<String> failures = new ArrayList<>();
    double tolerance = realism ? TranscriptCheck.REALISM_TOLERANCE_S : TranscriptCheck.TOLERANCE_S;
    for (Run run : runs) {
      String problem = check(run, tolerance);
      System.out.printf("  %s session %s: %s (%s; the app deleted %d segments)%n", run.uid(), run.app().sessionId(),
          problem == null ? "ok" : problem, SessionTimeline.switches(stack, run.app().sessionId()),
          run.app().segmentsDeleted());
      if (problem != null) {
        System.out.print(SessionTimeline.of(stack, run.app().sessionId()));
        failures.add("seed " + seed + (realism ? " (realism)" : "") + " " + run.uid() + ": " + problem);
      }
    }
    stack.realismOff();
    return failures;
  }

  /** Null when the session kept every promise, else what broke. */
  private String check(Run run, double tolerance) throws Exception {
    AppSession app = run.app();
    int code = app.awaitClose(COMPLETE);
    List<String> problems = new ArrayList<>();
    if (code != 1000) {
      problems.add("closed " + code);
    }
    List<String> expected = run.script().words().stream().map(w -> w.text()).toList();
    List<JsonNode> appSegments = app.segments();
    problems.add(verdict("app", () -> TranscriptCheck.assertEveryWordOnceInOrder(run.script().words(),
        appSegments, tolerance), expected, appSegments));
    JsonNode stored = stack.transcript(gateway, app.sessionId(), run.uid());
    List<JsonNode> storedSegments = new ArrayList<>();
    stored.path("segments").forEach(storedSegments::add);
    problems.add(verdict("stored", () -> TranscriptCheck.assertEveryWordOnceInOrder(run.script().words(),
        storedSegments, tolerance), expected, storedSegments));
    problems.add(verdict("app vs stored", () -> TranscriptCheck.assertAppHoldsTheStoredTranscript(appSegments,
        storedSegments), null, null));
    if (!stored.path("complete").asBoolean()) {
      problems.add("stored transcript not complete");
    }
    problems.add(verdict("statuses", () -> assertBalancedEpisodes(app.statuses()), null, null));
    problems.removeIf(p -> p == null);
    return problems.isEmpty() ? null : String.join("; ", problems) + " (statuses " + app.statuses() + ")";
  }

  /** Runs a check; on failure says what broke, with the words missing or doubled when words are checked. */
  private static String verdict(String what, Runnable check, List<String> expected, List<JsonNode> segments) {
    try {
      check.run();
      return null;
    } catch (AssertionError e) {
      if (expected == null) {
        return what + ": " + e.getMessage().lines().findFirst().orElse("");
      }
      List<String> heard = words(segments);
      List<String> missing = expected.stream().filter(w -> !heard.contains(w)).toList();
      List<String> doubled = heard.stream().filter(w -> heard.indexOf(w) != heard.lastIndexOf(w)).distinct().toList();
      return what + " " + heard.size() + "/" + expected.size() + " words"
          + (missing.isEmpty() ? "" : ", missing " + missing) + (doubled.isEmpty() ? "" : ", doubled " + doubled)
          + (missing.isEmpty() && doubled.isEmpty() ? ", " + e.getMessage().lines().findFirst().orElse("") : "");
    }
  }

  private static List<String> words(List<JsonNode> segments) {
    List<String> words = new ArrayList<>();
    for (JsonNode s : segments) {
      for (String token : s.path("text").asString().split("\\s+")) {
        String word = token.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
        if (!word.isEmpty()) {
          words.add(word);
        }
      }
    }
    return words;
  }

  /**
   * stt_degraded and stt_recovered alternate, starting with stt_degraded (a session that ends degraded ends its
   * last episode with batch_finished, which the app does not see).
   */
  static void assertBalancedEpisodes(List<String> statuses) {
    List<String> episodes = statuses.stream().filter(s -> s.equals("stt_degraded") || s.equals("stt_recovered"))
        .toList();
    assertThat(episodes).as("at least one degraded episode under flapping").isNotEmpty();
    for (int i = 0; i < episodes.size(); i++) {
      assertThat(episodes.get(i)).as("episode status %d of %s", i, episodes)
          .isEqualTo(i % 2 == 0 ? "stt_degraded" : "stt_recovered");
    }
  }
}
