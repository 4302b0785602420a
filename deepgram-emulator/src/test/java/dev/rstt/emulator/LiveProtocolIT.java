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
        .withApiKeys(java.util.Set.of("k1", "k2")));
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
    await().atMost(Duration.ofSeconds(15)).until(() -> c.finals().size() == 2);
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
    LiveClient c;
    try (DeepgramEmulator idle = DeepgramEmulator.start(emulator.settings().withPort(0)
        .withIdleTimeout(Duration.ofMillis(800)))) {
      c = LiveClient.open(idle, QUERY, "k2");
      assertThat(c.awaitClose()[0]).isEqualTo(1011);
    }
    assertThat(c.closeReason).contains("NET-0001".toLowerCase().replace("-", "")).startsWith("Deepgram did not");
    assertThat(c.ofType("Metadata")).hasSize(1);
    assertThat(c.ofType("Metadata").get(0).has("models")).isFalse();
  }

  static final String NO_ENDPOINTING = "model=nova-3&encoding=linear16&sample_rate=16000&punctuate=true&diarize=true"
      + "&endpointing=false";

  @Test
  void shouldFinalizeCompleteWordsAndKeepAWordInProgressPendingUntilItCompletes() {
    int rate = 16000;
    ToneScript script = ToneScript.builder(rate).silence(200).word(0, "111").silence(300).word(2, "222")
        .silence(300).build();
    byte[] pcm = script.pcm();
    ToneScript.ExpectedWord second = script.words().get(1);
    int midSecond = (int) (second.startSample() + (second.endSample() - second.startSample()) / 2) * 2;
    LiveClient c = LiveClient.open(emulator, NO_ENDPOINTING, "k1");
    c.sendAudio(java.util.Arrays.copyOfRange(pcm, 0, midSecond));
    c.sendText("{\"type\":\"Finalize\"}");
    await().atMost(Duration.ofSeconds(15)).until(() -> c.finals().size() == 1);
    JsonNode first = c.finals().get(0);
    assertThat(first.get("from_finalize").booleanValue()).isTrue();
    assertThat(first.get("start").doubleValue()).isZero();
    assertThat(first.get("duration").doubleValue()).isCloseTo(second.start(), org.assertj.core.data.Offset.offset(1e-9));
    assertThat(c.finalWords()).extracting(w -> w.get("word").stringValue()).containsExactly("w111");
    // Finalize with nothing new buffered: nothing is sent
    c.sendText("{\"type\":\"Finalize\"}");
    c.sendAudio(java.util.Arrays.copyOfRange(pcm, midSecond, pcm.length));
    c.sendText("{\"type\":\"Finalize\"}");
    await().atMost(Duration.ofSeconds(15)).until(() -> c.finals().size() == 2);
    JsonNode next = c.finals().get(1);
    assertThat(next.get("start").doubleValue()).isCloseTo(second.start(), org.assertj.core.data.Offset.offset(1e-9));
    assertThat(c.finalWords()).extracting(w -> w.get("word").stringValue()).containsExactly("w111", "w222");
    assertThat(c.finalWords().get(1).get("start").doubleValue()).isCloseTo(second.start(),
        org.assertj.core.data.Offset.offset(0.001));
    c.sendText("{\"type\":\"CloseStream\"}");
    assertThat(c.awaitClose()[0]).isEqualTo(1000);
    assertThat(c.finals()).hasSize(2); // everything was already final: CloseStream adds no Results
    assertThat(c.messages.get(c.messages.size() - 1).get("type").stringValue()).isEqualTo("Metadata");
  }

  @Test
  void shouldDropAWordStillIncompleteAtCloseStreamButCoverTheWholeStream() {
    ToneScript script = ToneScript.builder(16000).silence(200).word(1, "123").silence(300).word(1, "456").build();
    byte[] pcm = script.pcm();
    int cut = (int) (script.words().get(1).startSample() + 2000) * 2;
    LiveClient c = LiveClient.open(emulator, NO_ENDPOINTING, "k1");
    c.sendAudio(java.util.Arrays.copyOfRange(pcm, 0, cut));
    c.sendText("{\"type\":\"CloseStream\"}");
    assertThat(c.awaitClose()[0]).isEqualTo(1000);
    assertThat(c.finalWords()).extracting(w -> w.get("word").stringValue()).containsExactly("w123");
    JsonNode f = c.finals().get(0);
    assertThat(f.get("start").doubleValue() + f.get("duration").doubleValue())
        .isCloseTo(cut / 2 / 16000.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(c.finalWords().get(0).get("punctuated_word").stringValue()).isEqualTo("W123.");
  }

  @Test
  void shouldRestartWordTimesAtZeroOnEveryConnection() {
    ToneScript script = ToneScript.builder(16000).silence(250).word(3, "303").silence(300).build();
    for (int i = 0; i < 2; i++) {
      LiveClient c = LiveClient.open(emulator, QUERY, "k1");
      c.sendAudio(script.pcm());
      c.sendText("{\"type\":\"CloseStream\"}");
      assertThat(c.awaitClose()[0]).isEqualTo(1000);
      assertThat(c.finalWords()).hasSize(1);
      assertThat(c.finalWords().get(0).get("start").doubleValue()).isCloseTo(0.25,
          org.assertj.core.data.Offset.offset(0.001));
    }
  }

  @Test
  void shouldAcceptTheKeyAsSubprotocolAndEchoTheChosenOne() {
    LiveClient c = LiveClient.open(emulator, QUERY, Map.of(), new String[] {"token", "k2"});
    assertThat(c.subprotocol).isEqualTo("token");
    c.sendText("{\"type\":\"CloseStream\"}");
    assertThat(c.awaitClose()[0]).isEqualTo(1000);
    LiveClient bearer = LiveClient.open(emulator, QUERY, Map.of("Authorization", "bearer k1"), null);
    bearer.sendText("{\"type\":\"CloseStream\"}");
    assertThat(bearer.awaitClose()[0]).isEqualTo(1000);
  }

  @Test
  void shouldRefuseInvalidValuesOfKnownParametersWith400AndAcceptUnknownOnes() {
    HttpResponse<String> r = LiveClient.refused(emulator, QUERY + "&diarize=maybe", Map.of("Authorization", "Token k1"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("dg-error").orElseThrow()).contains("diarize");
    assertThat(LiveClient.refused(emulator, "encoding=wav&sample_rate=16000", Map.of("Authorization", "Token k1"))
        .statusCode()).isEqualTo(400);
    LiveClient c = LiveClient.open(emulator, QUERY + "&no_delay=true&keyterm=a&keyterm=b&tag=x&whatever=1", "k1");
    c.sendText("{\"type\":\"CloseStream\"}");
    assertThat(c.awaitClose()[0]).isEqualTo(1000);
    assertThat(c.ofType("Metadata").get(0).get("duration").doubleValue()).isZero();
  }

  @Test
  void shouldRefuseKeywordsOnNova3AsDeepgramDoesAndRecordWhatWasAsked() {
    HttpResponse<String> r = LiveClient.refused(emulator,
        "model=nova-3&language=en&encoding=linear16&sample_rate=16000&keywords=Omi",
        Map.of("Authorization", "Token k1"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("\"err_code\":\"INVALID_QUERY_PARAMETER\"",
        "Keywords are not supported for Nova-3. Please use `keyterm` instead.");
    LiveClient c = LiveClient.open(emulator,
        "model=nova-3&language=multi&encoding=linear16&sample_rate=16000&keyterm=Omi&keyterm=tone+word", "k1");
    c.sendText("{\"type\":\"CloseStream\"}");
    assertThat(c.awaitClose()[0]).isEqualTo(1000);
    LiveClient older = LiveClient.open(emulator,
        "model=nova-2&language=multi&encoding=linear16&sample_rate=16000&keywords=Omi", "k1");
    older.sendText("{\"type\":\"CloseStream\"}");
    assertThat(older.awaitClose()[0]).isEqualTo(1000);
    List<RecordedRequest> asked = emulator.requests().stream().filter(q -> q.kind().equals("live")).toList();
    assertThat(asked).anySatisfy(q -> {
      assertThat(q.status()).isEqualTo(400);
      assertThat(q.values("keywords")).containsExactly("Omi");
      assertThat(q.values("model")).containsExactly("nova-3");
    });
    assertThat(asked).anySatisfy(q -> {
      assertThat(q.status()).isEqualTo(101);
      assertThat(q.values("language")).containsExactly("multi");
      assertThat(q.values("keyterm")).containsExactly("Omi", "tone word");
    });
    assertThat(asked).anySatisfy(q -> {
      assertThat(q.status()).isEqualTo(101);
      assertThat(q.values("model")).containsExactly("nova-2");
      assertThat(q.values("keywords")).containsExactly("Omi");
    });
  }

  @Test
  void shouldSendSpeechStartedUtteranceEndAndInterimResultsWhenAsked() {
    ToneScript script = ToneScript.builder(16000).silence(300).word(2, "246").silence(1200).build();
    LiveClient c = LiveClient.open(emulator, QUERY + "&vad_events=true&interim_results=true&utterance_end_ms=1000",
        "k1");
    c.sendAudio(script.pcm());
    c.sendText("{\"type\":\"CloseStream\"}");
    assertThat(c.awaitClose()[0]).isEqualTo(1000);
    List<String> types = c.messages.stream().map(m -> m.get("type").stringValue()
        + (m.has("is_final") ? (m.get("is_final").booleanValue() ? "/final" : "/interim") : "")).toList();
    assertThat(types).containsExactly("SpeechStarted", "Results/interim", "Results/final", "UtteranceEnd",
        "Results/final", "Metadata");
    assertThat(c.ofType("SpeechStarted").get(0).get("timestamp").doubleValue()).isCloseTo(0.3,
        org.assertj.core.data.Offset.offset(0.001));
    assertThat(c.ofType("UtteranceEnd").get(0).get("last_word_end").doubleValue())
        .isCloseTo(script.words().get(0).end(), org.assertj.core.data.Offset.offset(0.001));
    assertThat(c.ofType("UtteranceEnd").get(0).get("channel")).hasSize(2);
  }

  @Test
  void shouldReadAWavHeaderWhenNoEncodingIsGivenAndClose1008OnUndecodableAudio() {
    ToneScript script = ToneScript.builder(48000).silence(200).word(1, "480").silence(300).build();
    LiveClient c = LiveClient.open(emulator, "model=nova-3&diarize=true", "k1");
    byte[] wav = script.wav();
    c.sendAudio(java.util.Arrays.copyOfRange(wav, 0, 1000));
    c.sendAudio(java.util.Arrays.copyOfRange(wav, 1000, wav.length));
    c.sendText("{\"type\":\"CloseStream\"}");
    assertThat(c.awaitClose()[0]).isEqualTo(1000);
    assertThat(c.finalWords()).extracting(w -> w.get("word").stringValue()).containsExactly("w480");

    LiveClient bad = LiveClient.open(emulator, "model=nova-3", "k1");
    bad.sendAudio(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    assertThat(bad.awaitClose()[0]).isEqualTo(1008);
    assertThat(bad.closeReason).contains("DATA-0000");
  }

  @Test
  void shouldRefuseHandshakesOverTheConcurrencyCapWith429() {
    try (DeepgramEmulator small = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0)
        .withMaxLiveConnections(2))) {
      LiveClient a = LiveClient.open(small, QUERY, "x");
      LiveClient b = LiveClient.open(small, QUERY, "x");
      HttpResponse<String> r = LiveClient.refused(small, QUERY, Map.of("Authorization", "Token x"));
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(r.body()).contains("TOO_MANY_REQUESTS");
      a.sendText("{\"type\":\"CloseStream\"}");
      a.awaitClose();
      await().atMost(Duration.ofSeconds(15)).until(() -> ((Number) small.stats().get("live_open")).intValue() == 1);
      LiveClient c = LiveClient.open(small, QUERY, "x");
      assertThat(c.socket.isOutputClosed()).isFalse();
      assertThat(small.stats().get("live_refused")).isEqualTo(1L);
      b.sendText("{\"type\":\"CloseStream\"}");
      c.sendText("{\"type\":\"CloseStream\"}");
      b.awaitClose();
      c.awaitClose();
    }
  }

  @Test
  void shouldKeepTheSocketOpenOnKeepAlive() {
    try (DeepgramEmulator idle = DeepgramEmulator.start(emulator.settings().withPort(0)
        .withIdleTimeout(Duration.ofMillis(1000)))) {
      keepAlive(LiveClient.open(idle, QUERY, "k1"));
    }
  }

  private void keepAlive(LiveClient c) {
    // idle timeout is 1 s here: keepalives every 100 ms keep it open for twice that, and get no reply
    java.util.concurrent.ScheduledExecutorService keepAlive = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    try {
      keepAlive.scheduleAtFixedRate(() -> c.sendText("{\"type\":\"KeepAlive\"}"), 0, 100,
          java.util.concurrent.TimeUnit.MILLISECONDS);
      await().during(Duration.ofMillis(2000)).atMost(Duration.ofSeconds(4)).until(() -> !c.closed.isDone());
    } finally {
      keepAlive.shutdownNow();
    }
    assertThat(c.closed.isDone()).isFalse();
    assertThat(c.messages).isEmpty();
    c.sendText("{\"type\":\"CloseStream\"}");
    assertThat(c.awaitClose()[0]).isEqualTo(1000);
  }
}
