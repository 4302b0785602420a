package dev.rstt.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.testsupport.ToneScript;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class LiveProtocolIT {

  static final String QUERY = "model=nova-3&language=en&encoding=linear16&sample_rate=16000&channels=1"
      + "&interim_results=false&punctuate=true&diarize=true&endpointing=100";
  static DeepgramEmulator emulator;

  @BeforeAll
  static void start() {
    emulator = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0)
        .withIdleTimeout(Duration.ofMillis(800)).withApiKeys(java.util.Set.of("k1", "k2")));
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  @Test
  void shouldSendOneFinalPerWordAfterEndpointingThenMetadataAndClose1000OnCloseStream() {
    ToneScript script = ToneScript.builder(16000).silence(300).word(1, "042").silence(400).word(3, "917")
        .silence(500).build();
    LiveClient c = LiveClient.open(emulator, QUERY, "k1");
    c.sendFrames(script.frames(100));
    await().atMost(Duration.ofSeconds(5)).until(() -> c.finals().size() == 2);
    c.sendText("{\"type\":\"CloseStream\"}");
    assertThat(c.awaitClose()[0]).isEqualTo(1000);

    List<JsonNode> words = c.finalWords();
    assertThat(words).extracting(w -> w.get("word").stringValue()).containsExactly("w042", "w917");
    assertThat(words).extracting(w -> w.get("speaker").intValue()).containsExactly(1, 3);
    assertThat(words).extracting(w -> w.get("punctuated_word").stringValue()).containsExactly("W042.", "W917.");
    for (int i = 0; i < 2; i++) {
      assertThat(words.get(i).get("start").doubleValue()).isCloseTo(script.words().get(i).start(),
          org.assertj.core.data.Offset.offset(0.002));
      assertThat(words.get(i).get("end").doubleValue()).isCloseTo(script.words().get(i).end(),
          org.assertj.core.data.Offset.offset(0.002));
    }
    JsonNode first = c.finals().get(0);
    assertThat(first.get("speech_final").booleanValue()).isTrue();
    assertThat(first.get("from_finalize").booleanValue()).isFalse();
    assertThat(first.get("start").doubleValue()).isZero();
    assertThat(first.get("duration").doubleValue())
        .isCloseTo(script.words().get(0).end() + 0.100, org.assertj.core.data.Offset.offset(0.001));
    assertThat(first.get("channel_index")).hasSize(2);
    assertThat(first.get("metadata").get("model_info").get("arch").stringValue()).isEqualTo("nova-3");
    JsonNode last = c.messages.get(c.messages.size() - 1);
    assertThat(last.get("type").stringValue()).isEqualTo("Metadata");
    assertThat(last.get("request_id").stringValue()).isEqualTo(first.get("metadata").get("request_id").stringValue());
    assertThat(last.get("duration").doubleValue()).isCloseTo(script.durationSeconds(),
        org.assertj.core.data.Offset.offset(0.001));
    assertThat(last.get("transaction_key").stringValue()).isEqualTo("deprecated");
  }

  @Test
  void shouldRefuseABadKeyWith401AndDeepgramsErrorBody() {
    HttpResponse<String> r = LiveClient.refused(emulator, QUERY, Map.of("Authorization", "Token nope"));
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("dg-error")).contains("Invalid credentials.");
    assertThat(r.headers().firstValue("dg-request-id")).isPresent();
    assertThat(r.body()).contains("\"err_code\":\"INVALID_AUTH\"");
  }

  @Test
  void shouldCloseAnIdleSocketWith1011AndTheNet0001ReasonAfterMetadata() {
    LiveClient c = LiveClient.open(emulator, QUERY, "k2");
    assertThat(c.awaitClose()[0]).isEqualTo(1011);
    assertThat(c.closeReason).contains("NET-0001".toLowerCase().replace("-", "")).startsWith("Deepgram did not");
    assertThat(c.ofType("Metadata")).hasSize(1);
    assertThat(c.ofType("Metadata").get(0).has("models")).isFalse();
  }
}
