package dev.rstt.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.rstt.emulator.recognizer.Fragments;
import dev.rstt.testsupport.ToneScript;
import dev.rstt.testsupport.ToneScript.ExpectedWord;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Realism switched on through {@code /__emulator/realism} and in the settings, observed from a client. */
class RealismIT {

  static final int RATE = 16000;
  static final String QUERY = "model=nova-3&encoding=linear16&sample_rate=16000&punctuate=true&diarize=true"
      + "&endpointing=100";
  static final String REALISM = "{\"seed\":5,\"live\":{\"offset_ms\":30,\"jitter_ms\":10},"
      + "\"prerecorded\":{\"offset_ms\":-30,\"jitter_ms\":10}}";
  static DeepgramEmulator emulator;

  /** Four words; the audio sent starts inside the first (after its second tone began) and ends inside the last. */
  static final ToneScript SCRIPT = ToneScript.builder(RATE).silence(200).word(2, "314").silence(300)
      .word(1, "042").silence(350).word(3, "917").silence(300).word(0, "555").silence(200).build();
  static final long CUT_START = FragmentRecognitionTest.toneStart(SCRIPT.words().get(0), 1) + 200;
  static final long CUT_END = FragmentRecognitionTest.toneStart(SCRIPT.words().get(3), 2) + 300;

  static byte[] cutAudio() {
    return Arrays.copyOfRange(SCRIPT.pcm(), (int) CUT_START * 2, (int) CUT_END * 2);
  }

  /** A RIFF/WAVE body (44-byte header, mono PCM16) of raw samples. */
  static byte[] wav(byte[] pcm, int rate) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44 + pcm.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes()).putInt(36 + pcm.length).put("WAVE".getBytes());
    b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2)
        .putShort((short) 2).putShort((short) 16);
    b.put("data".getBytes()).putInt(pcm.length).put(pcm);
    return b.array();
  }

  @BeforeAll
  static void start() {
    emulator = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0));
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  @AfterEach
  void off() {
    Admin.send(emulator, "DELETE", "/__emulator/realism", null);
  }

  static JsonNode putRealism(DeepgramEmulator e, String json) {
    HttpResponse<String> r = Admin.send(e, "PUT", "/__emulator/realism", json);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return LiveClient.JSON.readTree(r.body());
  }

  /** Sends the audio in frames of {@code frameBytes}, then CloseStream; the Results and words received. */
  static LiveClient live(byte[] pcm, int frameBytes) {
    LiveClient c = LiveClient.open(emulator, QUERY, "any");
    for (int i = 0; i < pcm.length; i += frameBytes) {
      c.sendAudio(Arrays.copyOfRange(pcm, i, Math.min(pcm.length, i + frameBytes)));
    }
    c.sendText("{\"type\":\"CloseStream\"}");
    assertThat(c.awaitClose()[0]).isEqualTo(1000);
    return c;
  }

  /** The Results messages without what differs per connection (request ids). */
  static List<String> comparable(LiveClient c) {
    List<String> out = new ArrayList<>();
    for (JsonNode m : c.ofType("Results")) {
      ObjectNode copy = (ObjectNode) m.deepCopy();
      ((ObjectNode) copy.get("metadata")).remove("request_id");
      out.add(copy.toString());
    }
    return out;
  }

  @Test
  void shouldBeOffByDefaultAndSwitchOnAndOffThroughTheAdminApi() {
    JsonNode got = LiveClient.JSON.readTree(Admin.send(emulator, "GET", "/__emulator/realism", null).body());
    assertThat(got.get("enabled").booleanValue()).isFalse();
    JsonNode put = putRealism(emulator, REALISM);
    assertThat(put.get("enabled").booleanValue()).isTrue();
    assertThat(put.get("seed").longValue()).isEqualTo(5);
    assertThat(put.get("live").get("offset_ms").intValue()).isEqualTo(30);
    assertThat(put.get("fragments").booleanValue()).isTrue();
    assertThat(put.get("late_finals").get("probability").doubleValue()).isZero();
    HttpResponse<String> bad = Admin.send(emulator, "PUT", "/__emulator/realism", "{\"live\":{\"jitter_ms\":900}}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("live.jitter_ms");
    HttpResponse<String> unknown = Admin.send(emulator, "PUT", "/__emulator/realism", "{\"drift\":1}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("drift");
    Admin.send(emulator, "DELETE", "/__emulator/realism", null);
    got = LiveClient.JSON.readTree(Admin.send(emulator, "GET", "/__emulator/realism", null).body());
    assertThat(got.get("enabled").booleanValue()).isFalse();
  }

  @Test
  void shouldReportWordsCutByALiveStreamsEdgesAsLowConfidenceFragmentsAndDriftTheOthers() {
    putRealism(emulator, REALISM);
    long fragmentsBefore = Admin.stats(emulator).get("realism_fragments").longValue();
    LiveClient c = live(cutAudio(), 3200);
    List<JsonNode> words = c.finalWords();
    assertThat(words).extracting(w -> w.get("word").stringValue()).containsExactly("14", "w042", "w917", "w5");
    for (JsonNode fragment : List.of(words.get(0), words.get(3))) {
      assertThat(Fragments.isFragment(fragment.get("word").stringValue())).isTrue();
      assertThat(fragment.get("confidence").doubleValue()).isBetween(0.15, 0.45);
    }
    assertThat(words.get(0).get("start").doubleValue()).isBetween(0.0, 0.040);
    assertThat(words.get(3).get("end").doubleValue()).isLessThanOrEqualTo((CUT_END - CUT_START) / (double) RATE);
    for (int i = 1; i <= 2; i++) {
      ExpectedWord expected = SCRIPT.words().get(i).shifted(-CUT_START);
      double drift = words.get(i).get("start").doubleValue() - expected.start();
      assertThat(drift).as("live drift of %s", expected.text()).isBetween(0.020 - 1e-6, 0.040 + 1e-6);
      assertThat(words.get(i).get("confidence").doubleValue()).isBetween(0.90, 0.99);
    }
    assertThat(Admin.stats(emulator).get("realism_fragments").longValue()).isEqualTo(fragmentsBefore + 2);
  }

  @Test
  void shouldAnswerTheSameAudioAndSeedWithTheSameResultsWhateverTheFraming() {
    putRealism(emulator, "{\"seed\":9,\"split_finals\":{\"probability\":0.5},"
        + "\"late_finals\":{\"probability\":0.5,\"after_ms\":300}}");
    byte[] pcm = cutAudio();
    List<String> first = comparable(live(pcm, 3200));
    List<String> second = comparable(live(pcm, 777));
    assertThat(first).isNotEmpty().isEqualTo(second);
    putRealism(emulator, "{\"seed\":10,\"split_finals\":{\"probability\":0.5},"
        + "\"late_finals\":{\"probability\":0.5,\"after_ms\":300}}");
    assertThat(comparable(live(pcm, 3200))).isNotEqualTo(first);
  }

  @Test
  void shouldReportWordsCutByAPrerecordedBodysEdgesAsFragmentsAndDriftTheOthersTheOtherWay() {
    putRealism(emulator, REALISM);
    byte[] wav = wav(cutAudio(), RATE);
    HttpResponse<String> r = Admin.transcribe(emulator, "model=nova-3&diarize=true&punctuate=true&utterances=true",
        "audio/wav", wav, "any");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = LiveClient.JSON.readTree(r.body());
    List<JsonNode> words = PrerecordedIT.words(body);
    assertThat(words).extracting(w -> w.get("word").stringValue()).containsExactly("14", "w042", "w917", "w5");
    assertThat(words.get(0).get("confidence").doubleValue()).isLessThan(0.5);
    for (int i = 1; i <= 2; i++) {
      ExpectedWord expected = SCRIPT.words().get(i).shifted(-CUT_START);
      assertThat(words.get(i).get("start").doubleValue() - expected.start())
          .as("pre-recorded drift").isBetween(-0.040 - 1e-6, -0.020 + 1e-6);
    }
    JsonNode utterances = body.get("results").get("utterances");
    assertThat(utterances.get(0).get("words").get(0).get("word").stringValue()).isEqualTo("14");
    HttpResponse<String> again = Admin.transcribe(emulator, "model=nova-3&diarize=true&punctuate=true&utterances=true",
        "audio/wav", wav, "any");
    assertThat(PrerecordedIT.words(LiveClient.JSON.readTree(again.body())).toString())
        .isEqualTo(words.toString());
  }

  @Test
  void shouldTakeRealismFromTheSettingsOfAnEmbeddedEmulator() {
    Realism realism = Realism.on(3).withPrerecorded(new Realism.Drift(50, 0));
    try (DeepgramEmulator dg = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0).withRealism(realism))) {
      JsonNode got = LiveClient.JSON.readTree(Admin.send(dg, "GET", "/__emulator/realism", null).body());
      assertThat(got.get("seed").longValue()).isEqualTo(3);
      ToneScript script = ToneScript.random(new Random(3), RATE, 4, 500);
      JsonNode body = LiveClient.JSON.readTree(Admin.transcribe(dg, "model=nova-3", "audio/wav", script.wav(), "k")
          .body());
      List<JsonNode> words = PrerecordedIT.words(body);
      assertThat(words).hasSize(4);
      for (int i = 0; i < 4; i++) {
        assertThat(words.get(i).get("start").doubleValue()).isCloseTo(script.words().get(i).start() + 0.050,
            offset(1e-5));
      }
    }
  }
}
