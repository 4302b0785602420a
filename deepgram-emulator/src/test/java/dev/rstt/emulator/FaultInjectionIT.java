package dev.rstt.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.testsupport.ToneScript;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Every fault mode of {@code /__emulator/faults}, observed from a client. */
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
}
