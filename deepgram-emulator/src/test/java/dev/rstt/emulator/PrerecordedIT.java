package dev.rstt.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.rstt.testsupport.ToneScript;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class PrerecordedIT {

  static DeepgramEmulator emulator;

  @BeforeAll
  static void start() {
    emulator = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0).withApiKeys(Set.of("key"))
        .withMaxPrerecordedBytes(4 * 1024 * 1024));
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  static List<JsonNode> words(JsonNode response) {
    List<JsonNode> out = new ArrayList<>();
    response.get("results").get("channels").get(0).get("alternatives").get(0).get("words").forEach(out::add);
    return out;
  }

  @Test
  void shouldTranscribeAWavBodyLikeTheBatchWorkerSendsIt() {
    for (int rate : new int[] {8000, 16000, 48000}) {
      ToneScript script = ToneScript.random(new Random(rate), rate, 8, 1500);
      HttpResponse<String> r = Admin.transcribe(emulator,
          "model=nova-3&language=en&diarize=true&punctuate=true&smart_format=true&utterances=true", "audio/wav",
          script.wav(), "key");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("dg-request-id")).isPresent();
      JsonNode body = LiveClient.JSON.readTree(r.body());
      List<JsonNode> words = words(body);
      assertThat(words).extracting(w -> w.get("word").stringValue())
          .containsExactlyElementsOf(script.words().stream().map(ToneScript.ExpectedWord::text).toList());
      for (int i = 0; i < words.size(); i++) {
        assertThat(words.get(i).get("speaker").intValue()).isEqualTo(script.words().get(i).speaker());
        assertThat(words.get(i).get("speaker_confidence").doubleValue()).isPositive();
        assertThat(words.get(i).get("start").doubleValue()).isCloseTo(script.words().get(i).start(), offset(0.002));
        assertThat(words.get(i).get("end").doubleValue()).isCloseTo(script.words().get(i).end(), offset(0.002));
      }
      JsonNode meta = body.get("metadata");
      assertThat(meta.get("request_id").stringValue()).isEqualTo(r.headers().firstValue("dg-request-id").orElseThrow());
      assertThat(meta.get("sha256").stringValue()).hasSize(64);
      assertThat(meta.get("duration").doubleValue()).isCloseTo(script.durationSeconds(), offset(1e-6));
      assertThat(meta.get("model_info").get(meta.get("models").get(0).stringValue())).isNotNull();
      // utterances: a new one at a speaker change or a pause of 0.8 s or more; each ends a sentence
      int expectedUtterances = 1;
      for (int i = 1; i < script.words().size(); i++) {
        ToneScript.ExpectedWord a = script.words().get(i - 1);
        ToneScript.ExpectedWord b = script.words().get(i);
        if (a.speaker() != b.speaker() || b.start() - a.end() >= 0.8) {
          expectedUtterances++;
        }
      }
      assertThat(body.get("results").get("utterances")).hasSize(expectedUtterances);
      long periods = words.stream().filter(w -> w.get("punctuated_word").stringValue().endsWith(".")).count();
      assertThat(periods).isEqualTo(expectedUtterances);
      assertThat(words.get(0).get("punctuated_word").stringValue()).startsWith("W");
    }
  }

  @Test
  void shouldTranscribeRawLinear16AsOctetStreamAndOmitDiarizationWhenNotAsked() {
    ToneScript script = ToneScript.builder(24000).silence(100).word(3, "999").silence(200).build();
    HttpResponse<String> r = Admin.transcribe(emulator, "model=nova-3&encoding=linear16&sample_rate=24000",
        "application/octet-stream", script.pcm(), "key");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = LiveClient.JSON.readTree(r.body());
    List<JsonNode> words = words(body);
    assertThat(words).hasSize(1);
    assertThat(words.get(0).get("word").stringValue()).isEqualTo("w999");
    assertThat(words.get(0).has("speaker")).isFalse();
    assertThat(words.get(0).has("punctuated_word")).isFalse();
    assertThat(body.get("results").has("utterances")).isFalse();
  }

  @Test
  void shouldAnswerDeepgramsErrorsForBadRequests() {
    byte[] wav = ToneScript.builder(16000).silence(300).build().wav();
    HttpResponse<String> noKey = Admin.transcribe(emulator, "model=nova-3", "audio/wav", wav, null);
    assertThat(noKey.statusCode()).isEqualTo(401);
    assertThat(noKey.body()).contains("INVALID_AUTH");
    HttpResponse<String> garbage = Admin.transcribe(emulator, "model=nova-3", "audio/mpeg", new byte[100], "key");
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(garbage.headers().firstValue("dg-error").orElseThrow()).contains("corrupt or unsupported data");
    HttpResponse<String> badParam = Admin.transcribe(emulator, "model=nova-3&punctuate=yes", "audio/wav", wav, "key");
    assertThat(badParam.statusCode()).isEqualTo(400);
    HttpResponse<String> tooBig = Admin.transcribe(emulator, "model=nova-3", "audio/wav", new byte[4 * 1024 * 1024 + 1], "key");
    assertThat(tooBig.statusCode()).isEqualTo(413);
    HttpResponse<String> silence = Admin.transcribe(emulator, "model=nova-3&utterances=true", "audio/wav", wav, "key");
    JsonNode body = LiveClient.JSON.readTree(silence.body());
    assertThat(words(body)).isEmpty();
    assertThat(body.get("results").get("channels").get(0).get("alternatives").get(0).get("transcript").stringValue())
        .isEmpty();
    assertThat(body.get("results").get("utterances")).isEmpty();
  }

  @Test
  void shouldTakeKeytermWithMultiRefuseKeywordsOnNova3AndRecordBoth() {
    byte[] wav = ToneScript.builder(16000).silence(300).build().wav();
    HttpResponse<String> keywords = Admin.transcribe(emulator, "model=nova-3&keywords=Omi", "audio/wav", wav, "key");
    assertThat(keywords.statusCode()).isEqualTo(400);
    assertThat(keywords.body()).contains("\"err_code\":\"INVALID_QUERY_PARAMETER\"",
        "Keywords are not supported for Nova-3. Please use `keyterm` instead.");
    HttpResponse<String> keyterm = Admin.transcribe(emulator, "model=nova-3&language=multi&keyterm=Omi&keyterm=a%26b",
        "audio/wav", wav, "key");
    assertThat(keyterm.statusCode()).isEqualTo(200);
    assertThat(emulator.requests()).anySatisfy(q -> {
      assertThat(q.kind()).isEqualTo("prerecorded");
      assertThat(q.status()).isEqualTo(200);
      assertThat(q.values("language")).containsExactly("multi");
      assertThat(q.values("keyterm")).containsExactly("Omi", "a&b");
    });
    assertThat(emulator.requests()).anySatisfy(q -> {
      assertThat(q.status()).isEqualTo(400);
      assertThat(q.values("keywords")).containsExactly("Omi");
    });
  }
}
