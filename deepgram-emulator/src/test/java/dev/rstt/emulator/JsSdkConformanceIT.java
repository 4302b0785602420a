package dev.rstt.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.rstt.testsupport.ToneScript;
import dev.rstt.testsupport.ToneScript.ExpectedWord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Conformance against an independent client: the official Deepgram JavaScript SDK ({@code @deepgram/sdk}, pinned in
 * {@code src/test/js/package-lock.json}, installed by {@code npm ci} in pre-integration-test) drives the emulator
 * through its {@code environment} and {@code baseUrl} options with reconnect off. The node script reports what the
 * SDK saw; this test checks it. {@link JsSdkRealismConformanceIT} does the same with realism on.
 */
class JsSdkConformanceIT {

  static final int RATE = 16000;
  static DeepgramEmulator emulator;
  static ToneScript live;
  static ToneScript batch;
  static JsonNode observed;

  @BeforeAll
  static void runSdk(@TempDir Path dir) throws Exception {
    emulator = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0).withApiKeys(Set.of("sdk-key")));
    // Two words endpointed by silence, a third followed by too little silence: only Finalize flushes it.
    live = ToneScript.builder(RATE).silence(200).word(1, "042").silence(400).word(3, "917").silence(400)
        .word(0, "555").silence(60).build();
    batch = ToneScript.builder(RATE).silence(150).word(2, "123").silence(200).word(2, "456").silence(1000)
        .word(1, "789").silence(300).build();
    observed = JsSdk.run(emulator, dir, live.pcm(), batch.wav(), RATE, "exact");
  }

  @AfterAll
  static void stop() {
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  void shouldDeliverEndpointedFinalsAFinalizeResultThenMetadataAndClose1000ToTheSdk() {
    JsonNode seen = observed.get("live");
    List<JsonNode> messages = JsSdk.list(seen.get("messages"));
    List<JsonNode> finals = messages.stream().filter(m -> m.get("type").stringValue().equals("Results")).toList();
    assertThat(finals).hasSize(3);
    assertThat(finals).extracting(m -> m.get("from_finalize").booleanValue()).containsExactly(false, false, true);
    assertThat(finals).extracting(m -> m.get("speech_final").booleanValue()).containsExactly(true, true, false);
    List<JsonNode> words = new ArrayList<>();
    finals.forEach(f -> f.get("channel").get("alternatives").get(0).get("words").forEach(words::add));
    assertThat(words).extracting(w -> w.get("word").stringValue()).containsExactly("w042", "w917", "w555");
    assertThat(words).extracting(w -> w.get("speaker").intValue()).containsExactly(1, 3, 0);
    for (int i = 0; i < 3; i++) {
      ExpectedWord expected = live.words().get(i);
      assertThat(words.get(i).get("start").doubleValue()).isCloseTo(expected.start(), offset(0.015));
      assertThat(words.get(i).get("end").doubleValue()).isCloseTo(expected.end(), offset(0.015));
    }
    // windows tile the stream: each final starts where the previous one ended
    double cursor = 0;
    for (JsonNode f : finals) {
      assertThat(f.get("start").doubleValue()).isCloseTo(cursor, offset(1e-9));
      cursor = f.get("start").doubleValue() + f.get("duration").doubleValue();
    }
    assertThat(cursor).isCloseTo(live.durationSeconds(), offset(1e-6));
    JsonNode last = messages.get(messages.size() - 1);
    assertThat(last.get("type").stringValue()).isEqualTo("Metadata");
    assertThat(last.get("request_id").stringValue())
        .isEqualTo(finals.get(0).get("metadata").get("request_id").stringValue());
    assertThat(seen.get("close").get("code").intValue()).isEqualTo(1000);
    assertThat(seen.get("opens").intValue()).isEqualTo(1);
  }

  @Test
  void shouldRefuseABadKeySoTheSdkReportsA401() {
    JsonNode seen = observed.get("badKey");
    assertThat(seen.get("opens").intValue()).isZero();
    assertThat(seen.get("errors").toString() + seen.get("close")).contains("401");
  }

  @Test
  void shouldCloseTheSdksSocketWithTheInjectedCodeAndNotReconnect() {
    JsonNode seen = observed.get("faultClose");
    assertThat(seen.get("close").get("code").intValue()).isEqualTo(1011);
    assertThat(seen.get("closedAfterMs").longValue()).isGreaterThanOrEqualTo(250);
    assertThat(seen.get("opens").intValue()).isEqualTo(1);
  }

  @Test
  void shouldAnswerTheSdksPrerecordedRequestThroughEnvironmentAndBaseUrl() {
    for (String scenario : List.of("prerecordedEnvironment", "prerecordedBaseUrl")) {
      JsonNode response = observed.get(scenario);
      JsonNode alt = response.get("results").get("channels").get(0).get("alternatives").get(0);
      List<JsonNode> words = JsSdk.list(alt.get("words"));
      assertThat(words).extracting(w -> w.get("word").stringValue()).containsExactly("w123", "w456", "w789");
      assertThat(words).extracting(w -> w.get("speaker").intValue()).containsExactly(2, 2, 1);
      assertThat(words).allSatisfy(w -> assertThat(w.has("speaker_confidence")).isTrue());
      for (int i = 0; i < 3; i++) {
        assertThat(words.get(i).get("start").doubleValue()).isCloseTo(batch.words().get(i).start(), offset(0.015));
      }
      assertThat(alt.get("transcript").stringValue()).isEqualTo("W123 w456. W789.");
      assertThat(response.get("results").get("utterances")).hasSize(2);
      JsonNode metadata = response.get("metadata");
      String uuid = metadata.get("models").get(0).stringValue();
      assertThat(metadata.get("model_info").get(uuid).get("arch").stringValue()).isEqualTo("nova-3");
      assertThat(metadata.get("duration").doubleValue()).isCloseTo(batch.durationSeconds(), offset(1e-6));
    }
  }
}
