package dev.rstt.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.testsupport.ToneScript;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every fault kind of {@code /__emulator/faults} (the catalogue a chaos schedule draws from), observed from a client,
 * and its counter in {@code faults_applied}.
 */
class FaultInjectionIT {

  static final String QUERY = "model=nova-3&encoding=linear16&sample_rate=16000&channels=1&diarize=true"
      + "&punctuate=true&endpointing=100";
  static DeepgramEmulator emulator;

  @BeforeAll
  static void start() {
    emulator = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0));
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  @AfterEach
  void heal() {
    Admin.clearFaults(emulator);
  }

  @Test
  void shouldRefuseNewHandshakesWithTheInjectedStatusUntilCleared() {
    long refusedBefore = Admin.stats(emulator).get("live_refused").longValue();
    Admin.putFaults(emulator, "{\"live\":{\"handshake_status\":503}}");
    HttpResponse<String> r = LiveClient.refused(emulator, QUERY, Map.of("Authorization", "Token any"));
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("dg-error")).isPresent();
    JsonNode body = LiveClient.JSON.readTree(r.body());
    assertThat(body.get("request_id").stringValue()).isEqualTo(r.headers().firstValue("dg-request-id").orElseThrow());
    assertThat(body.has("err_code")).isTrue();
    assertThat(Admin.stats(emulator).get("live_refused").longValue()).isEqualTo(refusedBefore + 1);

    Admin.clearFaults(emulator);
    LiveClient ok = LiveClient.open(emulator, QUERY, "any");
    ok.sendText("{\"type\":\"CloseStream\"}");
    assertThat(ok.awaitClose()[0]).isEqualTo(1000);
  }

  @Test
  void shouldCloseOpenSocketsThatLongAfterTheFaultIsSetAndNewOnesThatLongAfterTheyOpen() {
    LiveClient before = LiveClient.open(emulator, QUERY, "any");
    long setAt = System.nanoTime();
    Admin.putFaults(emulator, "{\"live\":{\"close_after_ms\":300,\"close_code\":1011}}");
    LiveClient after = LiveClient.open(emulator, QUERY, "any");
    long openedAt = System.nanoTime();
    assertThat(before.awaitClose()[0]).isEqualTo(1011);
    long beforeClosedMs = (System.nanoTime() - setAt) / 1_000_000;
    assertThat(after.awaitClose()[0]).isEqualTo(1011);
    long afterClosedMs = (System.nanoTime() - openedAt) / 1_000_000;
    assertThat(beforeClosedMs).isGreaterThanOrEqualTo(280);
    assertThat(afterClosedMs).isGreaterThanOrEqualTo(280);
    assertThat(before.ofType("Metadata")).isEmpty(); // a crash, not a goodbye
    assertThat(Admin.stats(emulator).get("live_fault_closed").longValue()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void shouldCloseWithTheInjectedCodeAndDefault1011() {
    Admin.putFaults(emulator, "{\"live\":{\"close_after_ms\":50,\"close_code\":1001}}");
    assertThat(LiveClient.open(emulator, QUERY, "any").awaitClose()[0]).isEqualTo(1001);
    Admin.putFaults(emulator, "{\"live\":{\"close_after_ms\":50}}");
    assertThat(Admin.send(emulator, "GET", "/__emulator/faults", null).body()).contains("\"close_code\":1011");
    assertThat(LiveClient.open(emulator, QUERY, "any").awaitClose()[0]).isEqualTo(1011);
  }

  @Test
  void shouldApplyMatchedFaultsOnlyToRequestsWhoseQueryMatches() {
    Admin.putFaults(emulator, "{\"match\":{\"extra\":\"channel:1\"},\"live\":{\"handshake_status\":503},"
        + "\"prerecorded\":{\"status\":503}}");
    assertThat(LiveClient.refused(emulator, QUERY + "&extra=channel:1", Map.of("Authorization", "Token any"))
        .statusCode()).isEqualTo(503);
    LiveClient other = LiveClient.open(emulator, QUERY + "&extra=channel:0", "any");
    other.sendText("{\"type\":\"CloseStream\"}");
    assertThat(other.awaitClose()[0]).as("a request the match excludes is served").isEqualTo(1000);
    byte[] wav = ToneScript.builder(16000).silence(200).build().wav();
    assertThat(Admin.transcribe(emulator, "model=nova-3&extra=channel:1", "audio/wav", wav, "any").statusCode())
        .isEqualTo(503);
    assertThat(Admin.transcribe(emulator, "model=nova-3", "audio/wav", wav, "any").statusCode()).isEqualTo(200);
  }

  @Test
  void shouldCloseOnlyTheMatchingOpenSockets() {
    LiveClient one = LiveClient.open(emulator, QUERY + "&extra=channel:1", "any");
    LiveClient zero = LiveClient.open(emulator, QUERY + "&extra=channel:0", "any");
    Admin.putFaults(emulator, "{\"match\":{\"extra\":\"channel:1\"},\"live\":{\"close_after_ms\":50}}");
    assertThat(one.awaitClose()[0]).isEqualTo(1011);
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !zero.closed.isDone());
    zero.sendText("{\"type\":\"CloseStream\"}");
    assertThat(zero.awaitClose()[0]).isEqualTo(1000);
  }

  @Test
  void shouldNotCloseSocketsAfterTheFaultIsCleared() {
    Admin.putFaults(emulator, "{\"live\":{\"close_after_ms\":400}}");
    LiveClient c = LiveClient.open(emulator, QUERY, "any");
    Admin.clearFaults(emulator);
    await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2)).until(() -> !c.closed.isDone());
    c.sendText("{\"type\":\"CloseStream\"}");
    assertThat(c.awaitClose()[0]).isEqualTo(1000);
  }

  @Test
  void shouldStallWithoutResultsWhileAcceptingAudioAndDeliverTheWordsAfterRecovery() {
    ToneScript script = ToneScript.builder(16000).silence(200).word(2, "314").silence(300).build();
    double audioBefore = Admin.stats(emulator).get("audio_seconds_received").doubleValue();
    Admin.putFaults(emulator, "{\"live\":{\"stall\":true}}");
    LiveClient c = LiveClient.open(emulator, QUERY, "any");
    c.sendFrames(script.frames(50));
    c.sendText("{\"type\":\"Finalize\"}");
    c.sendText("{\"type\":\"CloseStream\"}");
    await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2))
        .until(() -> c.messages.isEmpty() && !c.closed.isDone());
    assertThat(Admin.stats(emulator).get("audio_seconds_received").doubleValue())
        .isGreaterThanOrEqualTo(audioBefore + script.durationSeconds() - 0.01);

    Admin.clearFaults(emulator);
    c.sendText("{\"type\":\"Finalize\"}");
    await().atMost(Duration.ofSeconds(15)).until(() -> c.finals().size() == 1);
    assertThat(c.finalWords()).extracting(w -> w.get("word").stringValue()).containsExactly("w314");
    assertThat(c.finals().get(0).get("from_finalize").booleanValue()).isTrue();
    assertThat(c.finals().get(0).get("start").doubleValue()).isZero();
  }

  @Test
  void shouldCloseAbruptlyWithoutACloseFrameFor1006() {
    Admin.putFaults(emulator, "{\"live\":{\"close_after_ms\":50,\"close_code\":1006}}");
    assertThat(LiveClient.open(emulator, QUERY, "any").awaitClose()[0]).isEqualTo(1006);
  }

  @Test
  void shouldFailPrerecordedRequestsWithTheInjectedStatusAndRetryAfterFor429() {
    byte[] wav = ToneScript.builder(16000).silence(100).word(0, "001").silence(200).build().wav();
    long failedBefore = Admin.stats(emulator).get("prerecorded_failed").longValue();
    Admin.putFaults(emulator, "{\"prerecorded\":{\"status\":429}}");
    HttpResponse<String> r = Admin.transcribe(emulator, "model=nova-3", "audio/wav", wav, "any");
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("retry-after")).contains("1");
    assertThat(r.body()).contains("TOO_MANY_REQUESTS");
    Admin.putFaults(emulator, "{\"prerecorded\":{\"status\":503}}");
    assertThat(Admin.transcribe(emulator, "model=nova-3", "audio/wav", wav, "any").statusCode()).isEqualTo(503);
    assertThat(Admin.stats(emulator).get("prerecorded_failed").longValue()).isEqualTo(failedBefore + 2);
    Admin.clearFaults(emulator);
    assertThat(Admin.transcribe(emulator, "model=nova-3", "audio/wav", wav, "any").statusCode()).isEqualTo(200);
  }

  @Test
  void shouldDelayPrerecordedResponses() {
    byte[] wav = ToneScript.builder(16000).silence(100).word(0, "001").silence(200).build().wav();
    Admin.putFaults(emulator, "{\"prerecorded\":{\"delay_ms\":700}}");
    long t0 = System.nanoTime();
    HttpResponse<String> r = Admin.transcribe(emulator, "model=nova-3", "audio/wav", wav, "any");
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"w001\"");
    assertThat(tookMs).isGreaterThanOrEqualTo(700);
  }

  @Test
  void shouldReportFaultsAndRejectInvalidOnes() {
    JsonNode put = Admin.putFaults(emulator,
        "{\"live\":{\"handshake_status\":null,\"stall\":true},\"prerecorded\":{\"status\":500,\"delay_ms\":0}}");
    assertThat(put.get("live").get("stall").booleanValue()).isTrue();
    JsonNode got = LiveClient.JSON.readTree(Admin.send(emulator, "GET", "/__emulator/faults", null).body());
    assertThat(got.get("prerecorded").get("status").intValue()).isEqualTo(500);
    HttpResponse<String> bad = Admin.send(emulator, "PUT", "/__emulator/faults", "{\"live\":{\"close_code\":\"x\"}}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("live.close_code");
    Admin.clearFaults(emulator);
    got = LiveClient.JSON.readTree(Admin.send(emulator, "GET", "/__emulator/faults", null).body());
    assertThat(got.get("live").isNull()).isTrue();
    assertThat(got.get("prerecorded").isNull()).isTrue();
    JsonNode stats = Admin.stats(emulator);
    for (String key : new String[] {"live_open", "live_total", "live_refused", "audio_seconds_received",
        "prerecorded_ok", "prerecorded_failed"}) {
      assertThat(stats.has(key)).as(key).isTrue();
    }
  }

  static long applied(String kind) {
    return applied(emulator, kind);
  }

  static long applied(DeepgramEmulator e, String kind) {
    return Admin.stats(e).get("faults_applied").get(kind).longValue();
  }

  @Test
  void shouldListEveryFaultKindOfTheCatalogueInTheStats() {
    JsonNode applied = Admin.stats(emulator).get("faults_applied");
    for (String kind : new String[] {"live_handshake_401", "live_handshake_429", "live_handshake_503",
        "live_close_1000", "live_close_1006", "live_close_1011", "live_stall", "prerecorded_status_429",
        "prerecorded_status_503", "prerecorded_delay", "prerecorded_hang", "prerecorded_close"}) {
      assertThat(applied.has(kind)).as(kind).isTrue();
    }
  }

  @Test
  void shouldCloseOpenSocketsMidStreamWith1000And1011And1006AndCountEach() {
    ToneScript script = ToneScript.builder(16000).silence(200).word(1, "101").silence(300).build();
    try (DeepgramEmulator own = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0))) {
      for (int code : new int[] {1000, 1011, 1006}) {
        LiveClient c = LiveClient.open(own, QUERY, "any");
        c.sendFrames(script.frames(50));
        await().atMost(Duration.ofSeconds(15)).until(() -> c.finals().size() == 1);
        Admin.putFaults(own, "{\"live\":{\"close_after_ms\":0,\"close_code\":" + code + "}}");
        assertThat(c.awaitClose()[0]).as("close code").isEqualTo(code);
        assertThat(c.ofType("Metadata")).as("a crash, not a goodbye").isEmpty();
        Admin.clearFaults(own);
      }
      for (int code : new int[] {1000, 1011, 1006}) {
        assertThat(applied(own, "live_close_" + code)).as("live_close_" + code).isEqualTo(1);
      }
    }
  }

  @Test
  void shouldCloseOnlyTheSocketsOpenAtThePutWithCloseScopeOpen() {
    LiveClient open = LiveClient.open(emulator, QUERY, "any");
    JsonNode put = Admin.putFaults(emulator, "{\"live\":{\"close_after_ms\":100,\"close_scope\":\"open\"}}");
    assertThat(put.get("live").get("close_scope").stringValue()).isEqualTo("open");
    LiveClient later = LiveClient.open(emulator, QUERY, "any");
    assertThat(open.awaitClose()[0]).isEqualTo(1011);
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !later.closed.isDone());
    later.sendText("{\"type\":\"CloseStream\"}");
    assertThat(later.awaitClose()[0]).isEqualTo(1000);
  }

  @Test
  void shouldRefuseHandshakesWith401And429WithRetryAfterAnd503AndCountEach() {
    for (int status : new int[] {401, 429, 503}) {
      long before = applied("live_handshake_" + status);
      Admin.putFaults(emulator, "{\"live\":{\"handshake_status\":" + status + "}}");
      HttpResponse<String> r = LiveClient.refused(emulator, QUERY, Map.of("Authorization", "Token any"));
      assertThat(r.statusCode()).isEqualTo(status);
      assertThat(r.headers().firstValue("retry-after")).isEqualTo(
          status == 429 ? java.util.Optional.of("1") : java.util.Optional.empty());
      assertThat(applied("live_handshake_" + status)).isEqualTo(before + 1);
    }
    Admin.putFaults(emulator, "{\"live\":{\"handshake_status\":429,\"retry_after_seconds\":7}}");
    HttpResponse<String> r = LiveClient.refused(emulator, QUERY, Map.of("Authorization", "Token any"));
    assertThat(r.headers().firstValue("retry-after")).contains("7");
  }

  @Test
  void shouldCountAStallOncePerSocketThatMeetsIt() {
    long before = applied("live_stall");
    Admin.putFaults(emulator, "{\"live\":{\"stall\":true}}");
    LiveClient a = LiveClient.open(emulator, QUERY, "any");
    LiveClient b = LiveClient.open(emulator, QUERY, "any");
    for (int i = 0; i < 3; i++) {
      a.sendText("{\"type\":\"KeepAlive\"}");
    }
    b.sendText("{\"type\":\"KeepAlive\"}");
    await().atMost(Duration.ofSeconds(5)).until(() -> applied("live_stall") == before + 2);
    assertThat(a.messages).isEmpty();
  }

  @Test
  void shouldFailPrerecordedRequestsWithTheInjectedRetryAfterAndCountStatusAndDelay() {
    byte[] wav = ToneScript.builder(16000).silence(100).word(0, "001").silence(200).build().wav();
    long before503 = applied("prerecorded_status_503");
    long beforeDelay = applied("prerecorded_delay");
    Admin.putFaults(emulator, "{\"prerecorded\":{\"status\":503,\"retry_after_seconds\":3,\"delay_ms\":50}}");
    HttpResponse<String> r = Admin.transcribe(emulator, "model=nova-3", "audio/wav", wav, "any");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("retry-after")).contains("3");
    assertThat(applied("prerecorded_status_503")).isEqualTo(before503 + 1);
    assertThat(applied("prerecorded_delay")).isEqualTo(beforeDelay + 1);
  }

  static CompletableFuture<HttpResponse<String>> post(byte[] body, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(emulator.httpUrl() + "/v1/listen?model=nova-3"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("content-type", "audio/wav")
        .header("Authorization", "Token any");
    if (timeout != null) {
      b.timeout(timeout);
    }
    return LiveClient.HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static Throwable failure(CompletableFuture<?> f) throws Exception {
    try {
      f.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the request was answered: " + f.get());
  }

  @Test
  void shouldHoldAPrerecordedRequestUnansweredPastTheClientsTimeoutUntilTheFaultsChange() throws Exception {
    byte[] wav = ToneScript.builder(16000).silence(100).word(0, "001").silence(200).build().wav();
    long before = applied("prerecorded_hang");
    Admin.putFaults(emulator, "{\"prerecorded\":{\"no_answer\":\"hang\"}}");
    assertThat(failure(post(wav, Duration.ofMillis(700)))).isInstanceOf(HttpTimeoutException.class);
    CompletableFuture<HttpResponse<String>> held = post(wav, null);
    await().atMost(Duration.ofSeconds(5)).until(() -> applied("prerecorded_hang") == before + 2);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !held.isDone());
    Admin.clearFaults(emulator);
    assertThat(failure(held)).as("closed without an answer once the faults change").isInstanceOf(IOException.class);
    assertThat(post(wav, Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void shouldCloseAPrerecordedRequestsConnectionWithoutAnAnswer() throws Exception {
    byte[] wav = ToneScript.builder(16000).silence(100).word(0, "001").silence(200).build().wav();
    long before = applied("prerecorded_close");
    Admin.putFaults(emulator, "{\"prerecorded\":{\"no_answer\":\"close\"}}");
    assertThat(failure(post(wav, Duration.ofSeconds(10)))).isInstanceOf(IOException.class)
        .isNotInstanceOf(HttpTimeoutException.class);
    assertThat(applied("prerecorded_close")).isEqualTo(before + 1);
  }

  @Test
  void shouldRejectUnknownOrConflictingFaultFieldsNamingThem() {
    HttpResponse<String> unknown = Admin.send(emulator, "PUT", "/__emulator/faults",
        "{\"live\":{\"close_after\":100}}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("live.close_after");
    HttpResponse<String> both = Admin.send(emulator, "PUT", "/__emulator/faults",
        "{\"prerecorded\":{\"status\":503,\"no_answer\":\"hang\"}}");
    assertThat(both.statusCode()).isEqualTo(400);
    assertThat(both.body()).contains("no_answer");
    HttpResponse<String> scope = Admin.send(emulator, "PUT", "/__emulator/faults",
        "{\"live\":{\"close_scope\":\"some\"}}");
    assertThat(scope.statusCode()).isEqualTo(400);
    assertThat(scope.body()).contains("live.close_scope");
  }
}
