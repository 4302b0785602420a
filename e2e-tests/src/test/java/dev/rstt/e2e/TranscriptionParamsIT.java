package dev.rstt.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.emulator.RecordedRequest;
import dev.rstt.testsupport.ToneScript;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The app's {@code language} and {@code keyterm} parameters reach Deepgram on both paths of the session
 * (docs/CONTRACT.md section 2): the session starts while Deepgram refuses live handshakes (503), so its audio is
 * transcribed by the batch worker's pre-recorded requests, then Deepgram serves again and the STT worker's live
 * recovery connection takes over. Every request the emulator saw asked for {@code language=multi} and the keyterms
 * as {@code keyterm} (the workers' model is nova-3), live and pre-recorded; and the transcript is whole.
 */
class TranscriptionParamsIT {

  private static final Duration COMPLETE = Duration.ofSeconds(120);

  @RegisterExtension
  static final StackExtension e2e = new StackExtension().withMerger().withSttWorker().withBatchWorker()
      .withGateway();

  @Test
  void shouldAskDeepgramForTheSessionsLanguageAndKeytermsLiveAndPrerecorded() throws Exception {
    Stack stack = e2e.stack();
    ServiceProcess gateway = e2e.gateway();
    stack.faults("{\"live\":{\"handshake_status\":503}}");
    ToneScript script = ToneScript.numbered(16000, 0, 24, 0, 300);
    AppSession app = AppSession.open(gateway.httpUrl(), Stack.token("params"),
        "language=auto&sample_rate=16000&codec=pcm16&channels=1&keyterm=Omi&keyterm=tone%20word");
    CompletableFuture<Void> streaming = app.stream(script, 1.0, 100);
    Stack.awaitStatus(app, "stt_degraded", Duration.ofSeconds(30));
    await("a pre-recorded request answered").atMost(Duration.ofSeconds(60)).until(() -> stack.emulator.requests()
        .stream().anyMatch(r -> r.kind().equals("prerecorded") && r.status() == 200));
    stack.healthy();
    Stack.awaitStatus(app, "stt_recovered", Duration.ofSeconds(60));
    streaming.get(5, TimeUnit.MINUTES);
    app.stop();
    assertThat(app.awaitClose(COMPLETE)).as("close code after stop").isEqualTo(1000);
    TranscriptCheck.assertEveryWordOnceInOrder(script.words(), app.segments(), TranscriptCheck.TOLERANCE_S);

    List<RecordedRequest> asked = stack.emulator.requests();
    assertThat(asked).as("live connections opened").anySatisfy(r -> {
      assertThat(r.kind()).isEqualTo("live");
      assertThat(r.status()).isEqualTo(101);
    });
    assertThat(asked).as("pre-recorded requests answered").anySatisfy(r -> {
      assertThat(r.kind()).isEqualTo("prerecorded");
      assertThat(r.status()).isEqualTo(200);
    });
    assertThat(asked).as("every request of the session, on either path").allSatisfy(r -> {
      assertThat(r.values("language")).containsExactly("multi");
      assertThat(r.values("keyterm")).containsExactly("Omi", "tone word");
      assertThat(r.values("keywords")).isEmpty();
    });
  }
}
