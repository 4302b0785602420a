package dev.rstt.gateway;

import static dev.rstt.gateway.support.UpdatesProducer.segment;
import static dev.rstt.gateway.support.UpdatesProducer.segments;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.gateway.auth.DevTokenCli;
import dev.rstt.gateway.support.AfterAllCloser;
import dev.rstt.gateway.support.AppSocket;
import dev.rstt.gateway.support.AudioFramesReader;
import dev.rstt.gateway.support.GatewayInstance;
import dev.rstt.gateway.support.PublishedSession;
import dev.rstt.gateway.support.UpdatesProducer;
import dev.rstt.schemas.Topics;
import dev.rstt.testsupport.KafkaBroker;
import dev.rstt.testsupport.ToneScript;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /v4/web/listen} (omi's browser variant: the token in the first message), the development token endpoint
 * and the web page's static files, on a real gateway and broker with a real WebSocket client.
 */
class WebListenIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private static final String SECRET = dev.rstt.common.auth.DevTokens.randomSecret();

  private static GatewayInstance gw;
  private static AudioFramesReader frames;
  private static UpdatesProducer merger;

  @RegisterExtension
  static final AfterAllCloser closer = new AfterAllCloser();

  @BeforeAll
  static void start() {
    KafkaBroker broker = KafkaBroker.shared();
    String prefix = KafkaBroker.uniquePrefix("WebListenIT");
    Topics topics = GatewayInstance.topics(prefix);
    Map<String, Object> props = new HashMap<>();
    props.put("rstt.dev-mode", "true");
    props.put("rstt.gateway.auth.hs256-secret", SECRET);
    props.put("rstt.gateway.web.auth-timeout", "700ms");
    props.put("rstt.gateway.web.fault-api-url", "http://127.0.0.1:18090/");
    props.put("rstt.gateway.stop-timeout", "3s");
    props.put("rstt.gateway.limits.max-sessions-per-user", "2");
    gw = closer.add(GatewayInstance.start(broker.bootstrapServers(), prefix, "web-listen-it", props, true));
    frames = closer.add(new AudioFramesReader(broker.bootstrapServers(), topics.audioFrames()));
    merger = closer.add(new UpdatesProducer(broker.bootstrapServers(), topics.sessionUpdates(), frames));
  }

  private static String user() {
    return "web-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String token(String user) {
    return DevTokenCli.token(user, SECRET, Duration.ofHours(1), Clock.systemUTC());
  }

  private static URI webUri(String query) {
    return URI.create("ws://localhost:" + gw.port() + "/v4/web/listen?" + query);
  }

  private static JsonNode json(String text) {
    return JSON.readTree(text);
  }

  private static String auth(String token) {
    return "{\"type\":\"auth\",\"token\":\"" + token + "\"}";
  }

  /** auth_response true, then the same opening as /v4/listen; returns the session id. */
  private static String awaitStarted(AppSocket app) {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> app.messages().size() >= 4);
    List<String> first = app.messages().subList(0, 4);
    assertThat(json(first.get(0)).path("type").asString()).isEqualTo("auth_response");
    assertThat(json(first.get(0)).path("success").asBoolean()).isTrue();
    assertThat(json(first.get(1)).path("status").asString()).isEqualTo("initiating");
    assertThat(json(first.get(2)).path("type").asString()).isEqualTo("session_started");
    assertThat(json(first.get(3)).path("status").asString()).isEqualTo("stt_initiating");
    return json(first.get(2)).path("session_id").asString();
  }

  /**
   * A GET; Java 17's HttpClient was seen to wait forever for the answer to a request it wrote on a pooled keep-alive
   * connection that never delivered it (as in the e2e Stack), so after 15 s the request is sent once more on a new
   * client's connection. A server that does not answer fails both.
   */
  private static HttpResponse<byte[]> get(String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(gw.http(path)).timeout(Duration.ofSeconds(15)).GET().build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (java.net.http.HttpTimeoutException e) {
      return HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1).build().send(request, HttpResponse.BodyHandlers.ofByteArray());
    }
  }

  @Test
  void shouldRunTheListenProtocolAfterTheAuthMessageWithoutLosingAudioSentRightBehindIt() {
    String user = user();
    AppSocket app = AppSocket.connect(webUri("codec=pcm16&sample_rate=16000&language=en"), null);
    ToneScript script = ToneScript.numbered(16000, 3, 3, 0, 200);
    // the app does not wait for auth_response: audio pipelined behind the auth message must not be lost
    app.sendText(auth(token(user)));
    for (byte[] frame : script.frames(20)) {
      app.sendBinary(frame);
    }
    String session = awaitStarted(app);
    app.stop();
    PublishedSession published = PublishedSession.verify(frames.awaitSession(session, PublishedSession::isEnded));
    assertThat(published.pcm()).as("every byte once, in order").isEqualTo(script.pcm());
    assertThat(published.started().getUserId()).as("the user is the token's subject").isEqualTo(user);
    assertThat(published.ended().getReason()).isEqualTo("stop");
    merger.send(segments(session, 1, true, segment("seg-1", "w003 w004", 0.2, 1.0)));
    assertThat(app.awaitClose()).isEqualTo(1000);
    assertThat(json(app.messages().get(app.messages().size() - 1)).get(0).path("text").asString())
        .isEqualTo("w003 w004");
  }

  @ParameterizedTest
  @ValueSource(strings = {"expired", "forged", "garbage"})
  void shouldRefuseABadTokenWithAuthResponseFalseTheListenErrorAnd1008(String kind) {
    String user = user();
    String token = switch (kind) {
      case "expired" -> DevTokenCli.token(user, SECRET, Duration.ofMinutes(5),
          Clock.fixed(Instant.now().minus(Duration.ofHours(3)), ZoneOffset.UTC));
      case "forged" -> DevTokenCli.token(user, dev.rstt.common.auth.DevTokens.randomSecret(), Duration.ofHours(1),
          Clock.systemUTC());
      default -> "not.a.jwt";
    };
    double before = gw.metrics().count("rstt.gateway.rejections", "reason",
        kind.equals("expired") ? "expired_token" : "invalid_token");
    AppSocket app = AppSocket.connect(webUri("codec=pcm16&sample_rate=16000"), null);
    app.sendText(auth(token));
    assertThat(app.awaitClose()).isEqualTo(1008);
    assertThat(app.closeReason()).isEqualTo("Invalid token");
    assertThat(app.messages()).hasSize(2);
    assertThat(json(app.messages().get(0)).path("type").asString()).isEqualTo("auth_response");
    assertThat(json(app.messages().get(0)).path("success").asBoolean()).isFalse();
    JsonNode error = json(app.messages().get(1));
    assertThat(error.path("type").asString()).isEqualTo("error");
    assertThat(error.path("code").asString()).isEqualTo(kind.equals("expired") ? "expired_token" : "invalid_token");
    assertThat(gw.metrics().count("rstt.gateway.rejections", "reason",
        kind.equals("expired") ? "expired_token" : "invalid_token")).isGreaterThan(before);
    assertThat(frames.drain()).noneMatch(r -> r.value().toString().contains(user));
  }

  @ParameterizedTest
  @ValueSource(strings = {"binary", "not-json", "not-auth", "no-token", "number-token"})
  void shouldRefuseAFirstMessageThatIsNotAnAuthMessage(String kind) {
    AppSocket app = AppSocket.connect(webUri("codec=pcm16&sample_rate=16000"), null);
    switch (kind) {
      case "binary" -> app.sendBinary(new byte[320]);
      case "not-json" -> app.sendText("hello");
      case "not-auth" -> app.sendText("{\"type\":\"stop\",\"token\":\"x\"}");
      case "no-token" -> app.sendText("{\"type\":\"auth\"}");
      default -> app.sendText("{\"type\":\"auth\",\"token\":42}");
    }
    assertThat(app.awaitClose()).isEqualTo(1008);
    assertThat(app.closeReason()).isEqualTo("Auth error");
    assertThat(app.messages()).hasSize(2);
    assertThat(json(app.messages().get(0)).path("success").asBoolean()).isFalse();
    assertThat(json(app.messages().get(1)).path("code").asString()).isEqualTo("missing_token");
  }

  @Test
  void shouldCloseASocketThatSendsNothingAfterTheAuthTimeout() {
    long started = System.nanoTime(); // before the upgrade, so no later than the server's deadline starts
    AppSocket app = AppSocket.connect(webUri("codec=pcm16&sample_rate=16000"), null);
    assertThat(app.awaitClose()).isEqualTo(1008);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
    assertThat(app.closeReason()).isEqualTo("Auth timeout");
    assertThat(app.messages()).hasSize(1);
    assertThat(json(app.messages().get(0)).path("code").asString()).isEqualTo("missing_token");
  }

  @Test
  void shouldCheckTheAudioParametersAfterTheTokenAsListenDoes() {
    AppSocket app = AppSocket.connect(webUri("codec=mp3&sample_rate=16000"), null);
    app.sendText(auth(token(user())));
    assertThat(app.awaitClose()).isEqualTo(1008);
    assertThat(app.messages()).hasSize(2);
    assertThat(json(app.messages().get(0)).path("success").asBoolean()).isTrue();
    assertThat(json(app.messages().get(1)).path("code").asString()).isEqualTo("unsupported_codec");
  }

  @Test
  void shouldShareThePerUserSessionCapWithListen() {
    String user = user();
    AppSocket web = AppSocket.connect(webUri("codec=pcm16&sample_rate=16000"), null);
    web.sendText(auth(token(user)));
    awaitStarted(web);
    AppSocket listen = AppSocket.connect(gw.listenUri("codec=pcm16&sample_rate=16000"), token(user));
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> listen.messages().stream().anyMatch(m -> m.contains("session_started")));
    AppSocket third = AppSocket.connect(webUri("codec=pcm16&sample_rate=16000"), null);
    third.sendText(auth(token(user)));
    assertThat(third.awaitClose()).isEqualTo(1013);
    assertThat(json(third.messages().get(third.messages().size() - 1)).path("code").asString())
        .isEqualTo("too_many_sessions");
    web.closeNormally();
    listen.closeNormally();
  }

  @Test
  void shouldIssueDevelopmentTokensThatTheWebSocketAccepts() throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(gw.http("/dev/token"))
        .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Cache-Control")).hasValueSatisfying(v -> assertThat(v).contains("no-store"));
    JsonNode body = json(response.body());
    assertThat(body.path("user_id").asString()).matches("web-[0-9a-f]{8}");
    assertThat(body.path("expires_in_seconds").asLong()).isEqualTo(3600);
    AppSocket app = AppSocket.connect(webUri("codec=pcm16&sample_rate=16000"), null);
    app.sendText(auth(body.path("token").asString()));
    String session = awaitStarted(app);
    app.stop();
    PublishedSession published = PublishedSession.verify(frames.awaitSession(session, PublishedSession::isEnded));
    assertThat(published.started().getUserId()).isEqualTo(body.path("user_id").asString());
    assertThat(get("/dev/token").statusCode()).as("only POST").isIn(404, 405);
  }

  @Test
  void shouldServeThePageItsScriptsTheSampleAndItsConfig() throws Exception {
    HttpResponse<byte[]> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(new String(page.body())).contains("Start microphone").contains("Play sample")
        .contains("/js/app.js");
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
        .contains("script-src 'self'").contains("frame-ancestors 'none'")
        .contains("connect-src 'self' ws://localhost:" + gw.port())
        .as("the fault panel's emulator, in development mode").contains("http://127.0.0.1:18090"));
    assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    for (String script : List.of("app.js", "capture-worklet.js", "resampler.js", "listen-client.js",
        "session-state.js", "transcript.js", "sources.js", "faults.js")) {
      HttpResponse<byte[]> js = get("/js/" + script);
      assertThat(js.statusCode()).as(script).isEqualTo(200);
      assertThat(js.headers().firstValue("Content-Type")).as(script)
          .hasValueSatisfying(v -> assertThat(v).contains("javascript"));
    }
    HttpResponse<byte[]> sample = get("/samples/tone-words-16k.wav");
    assertThat(sample.statusCode()).isEqualTo(200);
    assertThat(sample.body()).as("the repository's sample, copied at build time")
        .isEqualTo(Files.readAllBytes(Path.of("..", "samples", "tone-words-16k.wav")));
    JsonNode config = json(new String(get("/web/config").body()));
    assertThat(config.path("dev_mode").asBoolean()).isTrue();
    assertThat(config.path("dev_token_url").asString()).isEqualTo("/dev/token");
    assertThat(config.path("fault_api_url").asString()).isEqualTo("http://127.0.0.1:18090");
    assertThat(config.path("listen_path").asString()).isEqualTo("/v4/web/listen");
  }
}
