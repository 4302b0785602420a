package dev.rstt.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.testsupport.ToneScript;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * A phone call in omi's framing (docs/CONTRACT.md section 11): two channels, each speaking its own tone words,
 * every service its own process. Mid-call, channel 2's live stream dies and Deepgram refuses its new handshakes for a
 * while (the emulator's fault scoped by {@code extra=channel:2}), so channel 2 is transcribed degraded by the batch
 * worker and recovers, while channel 1 stays live. Each channel's words reach the app exactly once, within 30 ms, in
 * segments labelled as omi labels them: the mic's {@code is_user} and {@code SPEAKER_00}, the other side's
 * {@code SPEAKER_01}.
 */
class TwoChannelCallIT {

  private static final Duration COMPLETE = Duration.ofSeconds(120);
  private static final double WITHIN_S = 0.030;

  @RegisterExtension
  static final StackExtension e2e = new StackExtension().withMerger().withSttWorker().withBatchWorker()
      .withGateway();

  @Test
  void shouldTranscribeEachChannelOnceLabelledThroughAnOutageOfOneChannelsStream() throws Exception {
    Stack stack = e2e.stack();
    ServiceProcess gateway = e2e.gateway();
    ToneScript mic = ToneScript.numbered(16000, 0, 30, 0, 300);
    ToneScript remote = ToneScript.numbered(16000, 500, 30, 1, 300);
    AppSession app = AppSession.open(gateway.httpUrl(), Stack.token("call"),
        "language=en&sample_rate=16000&codec=pcm&channels=2&source=phone_call");
    CompletableFuture<Void> streaming = app.streamChannels(List.of(mic, remote), 1.0, 100);
    await("both channels live at the app").atMost(Duration.ofSeconds(30)).until(() -> app.segments().stream()
        .map(s -> s.path("is_user").asBoolean()).distinct().count() == 2);
    // mid-call, channel 2's live stream dies and its new handshakes are refused; channel 1's is untouched
    stack.faults("{\"match\":{\"extra\":\"channel:2\"},"
        + "\"live\":{\"handshake_status\":503,\"close_after_ms\":1,\"close_code\":1011}}");
    Stack.awaitStatus(app, "stt_degraded", Duration.ofSeconds(30));
    await("channel 2's audio transcribed the batch way").atMost(Duration.ofSeconds(60)).until(() -> stack.emulator
        .requests().stream().anyMatch(r -> r.kind().equals("prerecorded") && r.status() == 200
            && r.values("extra").contains("channel:2")));
    stack.healthy();
    Stack.awaitStatus(app, "stt_recovered", Duration.ofSeconds(60));
    streaming.get(5, TimeUnit.MINUTES);
    app.stop();
    assertThat(app.awaitClose(COMPLETE)).as("close code after stop: both channels complete").isEqualTo(1000);

    List<JsonNode> segments = app.segments();
    List<JsonNode> user = segments.stream().filter(s -> s.path("is_user").asBoolean()).toList();
    List<JsonNode> other = segments.stream().filter(s -> !s.path("is_user").asBoolean()).toList();
    assertThat(user).allSatisfy(s -> assertThat(s.path("speaker").asString()).isEqualTo("SPEAKER_00"));
    assertThat(other).allSatisfy(s -> assertThat(s.path("speaker").asString()).isEqualTo("SPEAKER_01"));
    TranscriptCheck.assertEveryWordOnceInOrder(mic.words(), user, WITHIN_S);
    TranscriptCheck.assertEveryWordOnceInOrder(remote.words(), other, WITHIN_S);
    assertThat(app.events()).as("the outage named its channel").anySatisfy(e -> assertThat(e)
        .contains("stt_degraded").contains("\"channel\":2"));
    assertThat(app.events()).noneSatisfy(e -> assertThat(e).contains("stt_degraded").contains("\"channel\":1"));
  }
}
