package dev.rstt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.testsupport.ToneScript;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * A degraded episode whose STT worker is killed, and a successor that cannot say which episode it resumes
 * (docs/CONTRACT.md section 4, every SessionEnded forwarded to {@code audio.degraded}): the first worker commits
 * no offset before it dies (a long {@code commit-interval}), so its successor re-reads the session's
 * {@code SessionStarted}, takes the session for a new one ("Opening live connection ... (new)", no
 * {@code LiveResumed}) and transcribes it live from the start. The episode the first worker opened is then closed
 * by the batch worker's {@code batch_finished} only. Seen in a chaos run as a transcript with every word that never
 * became complete (the app got 4010 {@code transcript_pending} after the gateway's stop-timeout).
 */
class TakeOverEpisodeIT {

  private static final Duration COMPLETE = Duration.ofSeconds(120);

  @RegisterExtension
  static final StackExtension e2e = new StackExtension().withMerger().withBatchWorker().withGateway();

  @Test
  void shouldCompleteTheEpisodeOfAKilledSttWorkerWhoseSuccessorTookTheSessionForANewOne() throws Exception {
    Stack stack = e2e.stack();
    ServiceProcess gateway = e2e.gateway();
    List<String> args = new ArrayList<>(Settings.STT_WORKER);
    args.add("--rstt.stt.commit-interval=60s"); // its first commit comes after it is killed
    ServiceProcess first = stack.start("stt-worker", args);
    stack.faults("{\"live\":{\"handshake_status\":401}}"); // refused for good: degraded from the first sample
    ToneScript script = ToneScript.numbered(16000, 0, 30, 0, 300);
    AppSession app = AppSession.open(gateway.httpUrl(), Stack.token("takeover-new"), 16000);
    CompletableFuture<Void> streaming = app.stream(script, 1.0, 100);
    Stack.awaitStatus(app, "stt_degraded", Duration.ofSeconds(20));

    first.kill();
    stack.healthy();
    ServiceProcess successor = stack.startSttWorker();

    streaming.get(5, TimeUnit.MINUTES);
    app.stop();
    int close = app.awaitClose(COMPLETE);
    // Which path the successor took depends on whether the killed worker's offsets had passed SessionStarted: it
    // re-reads it ("(new)", the case that left the episode open) or takes the session over ("(take-over)"). The
    // core tests (SessionCoreEndForwardTest) pin the first deterministically; here either must end complete.
    String successorLog = Files.readString(successor.logFile());
    assertThat(successorLog).as("the successor took the session up").containsAnyOf("(new)", "(take-over)");
    System.out.println("TakeOverEpisodeIT: the successor " + (successorLog.contains("(new)")
        ? "re-read SessionStarted (a new session)" : "took the session over"));
    assertThat(close).as("close code after stop (4010: the transcript never became complete)").isEqualTo(1000);
    TranscriptCheck.assertEveryWordOnceInOrder(script.words(), app.segments(), TranscriptCheck.TOLERANCE_S);
    JsonNode stored = stack.transcript(gateway, app.sessionId(), "takeover-new");
    assertThat(stored.path("complete").asBoolean()).as("stored transcript complete").isTrue();
    List<JsonNode> storedSegments = new ArrayList<>();
    stored.path("segments").forEach(storedSegments::add);
    TranscriptCheck.assertEveryWordOnceInOrder(script.words(), storedSegments, TranscriptCheck.TOLERANCE_S);
    TranscriptCheck.assertAppHoldsTheStoredTranscript(app.segments(), storedSegments);
  }
}
