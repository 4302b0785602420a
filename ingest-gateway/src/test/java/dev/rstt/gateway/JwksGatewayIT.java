package dev.rstt.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.common.auth.DevTokens;
import dev.rstt.gateway.support.AfterAllCloser;
import dev.rstt.gateway.support.AppSocket;
import dev.rstt.gateway.support.GatewayInstance;
import dev.rstt.gateway.support.JwksServer;
import dev.rstt.gateway.support.RepositoryConstants;
import dev.rstt.gateway.support.TestTls;
import dev.rstt.testsupport.KafkaBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A production-mode gateway (no development mode) whose keys come from a real https JWKS server (a self-signed
 * certificate trusted through a Spring SSL bundle): JWKS tokens work; tokens signed with any constant of the
 * repository are refused (1008 / 401); while the JWKS is down and the last good keys have expired, the app is told
 * to retry (1013 / 503 with retry_after_seconds), never that its token is bad; when the JWKS is back, tokens work
 * again.
 */
class JwksGatewayIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private static final String SOME_SESSION = "01JABCDEFGHJKMNPQRSTVWXYZ0";

  private static TestTls tls;
  private static JwksServer jwks;
  private static GatewayInstance gw;

  @RegisterExtension
  static final AfterAllCloser closer = new AfterAllCloser();

  @BeforeAll
  static void start() throws Exception {
    tls = TestTls.create();
    jwks = closer.add(JwksServer.https(tls));
    Map<String, Object> props = new HashMap<>(tls.trustBundleProperties("jwks"));
    props.put("rstt.gateway.auth.jwks-url", jwks.url());
    props.put("rstt.gateway.auth.issuer", JwksServer.ISSUER);
    props.put("rstt.gateway.auth.audience", JwksServer.AUDIENCE);
    props.put("rstt.gateway.auth.jwks.ssl-bundle", "jwks");
    props.put("rstt.gateway.auth.jwks.cache-ttl", "1s");
    props.put("rstt.gateway.auth.jwks.outage-ttl", "2s");
    props.put("rstt.gateway.auth.jwks.min-refresh-interval", "300ms");
    props.put("rstt.gateway.auth.jwks.http-timeout", "500ms");
    props.put("rstt.gateway.stop-timeout", "1s");
    String prefix = KafkaBroker.uniquePrefix("JwksGatewayIT");
    gw = closer.add(GatewayInstance.start(KafkaBroker.shared().bootstrapServers(), prefix, "jwks-it", props,
        false));
  }

  private static URI listen() {
    return gw.listenUri("codec=pcm16&sample_rate=16000");
  }

  private static HttpResponse<String> transcript(String token) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(gw.http("/v1/sessions/" + SOME_SESSION + "/transcript"))
        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(15)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode lastMessage(AppSocket app) {
    List<String> messages = app.messages();
    return JSON.readTree(messages.get(messages.size() - 1));
  }

  @Test
  void shouldStartSessionsWithJwksTokensAndNoDevelopmentConveniences() throws Exception {
    AppSocket app = AppSocket.connect(listen(), jwks.token("alice"));
    app.awaitMessage(m -> m.contains("session_started"));
    app.closeNormally();
    assertThat(transcript(jwks.token("alice")).statusCode()).as("authenticated: the (absent) merger answers")
        .isNotIn(401, 503);
    HttpResponse<String> devToken = HTTP.send(HttpRequest.newBuilder(gw.http("/dev/token"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(devToken.statusCode()).isEqualTo(404);
  }

  @Test
  void shouldRefuseTokensSignedWithEveryRepositoryConstant() throws Exception {
    Set<String> constants = RepositoryConstants.secretLooking();
    assertThat(constants).containsAll(RepositoryConstants.FORMER_DEFAULTS);
    for (String constant : constants) {
      for (String token : List.of(DevTokens.mint("victim", constant, Duration.ofHours(1), Clock.systemUTC()),
          DevTokens.mint("victim", constant, JwksServer.ISSUER, JwksServer.AUDIENCE, Duration.ofHours(1),
              Clock.systemUTC()))) {
        AppSocket app = AppSocket.connect(listen(), token);
        assertThat(app.awaitClose()).as("socket, signed with %s", constant).isEqualTo(1008);
        assertThat(lastMessage(app).path("code").asString()).isEqualTo("invalid_token");
        assertThat(transcript(token).statusCode()).as("transcript, signed with %s", constant).isEqualTo(401);
      }
    }
  }

  @Test
  void shouldTellTheAppToRetryNotToLogInWhileTheJwksIsDown() throws Exception {
    String token = jwks.token("bob");
    jwks.stop();
    try {
      // the last good keys serve for outage-ttl (2 s); then a token cannot be checked
      AppSocket refused = await("1013 once the last good keys expired").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200)).until(() -> {
            AppSocket app = AppSocket.connect(listen(), token);
            if (app.messages().stream().anyMatch(m -> m.contains("auth_unavailable")) || app.isClosed()) {
              app.awaitClose();
              return app;
            }
            app.awaitMessage(m -> m.contains("session_started") || m.contains("auth_unavailable"));
            if (app.messages().stream().anyMatch(m -> m.contains("session_started"))) {
              app.closeNormally();
              return null;
            }
            app.awaitClose();
            return app;
          }, app -> app != null);
      assertThat(refused.awaitClose()).isEqualTo(1013);
      JsonNode error = lastMessage(refused);
      assertThat(error.path("code").asString()).isEqualTo("auth_unavailable");
      assertThat(error.path("retry_after_seconds").asInt()).isPositive();
      assertThat(refused.messages()).noneMatch(m -> m.contains("invalid_token") || m.contains("expired_token"));

      HttpResponse<String> http = transcript(token);
      assertThat(http.statusCode()).isEqualTo(503);
      assertThat(http.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
          assertThat(Integer.parseInt(v)).isPositive());
      assertThat(JSON.readTree(http.body()).path("code").asString()).isEqualTo("auth_unavailable");

      // the browser socket: no auth_response false (the token was not refused), the same error and 1013
      AppSocket web = AppSocket.connect(URI.create("ws://localhost:" + gw.port()
          + "/v4/web/listen?codec=pcm16&sample_rate=16000"), null);
      web.sendText("{\"type\":\"auth\",\"token\":\"" + token + "\"}");
      assertThat(web.awaitClose()).isEqualTo(1013);
      assertThat(web.messages()).noneMatch(m -> m.contains("auth_response"));
      assertThat(lastMessage(web).path("code").asString()).isEqualTo("auth_unavailable");
      assertThat(gw.metrics().count("rstt.gateway.rejections", "reason", "auth_unavailable")).isGreaterThan(1);
    } finally {
      jwks.restart();
    }
    await("tokens accepted once the JWKS is back").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
        .until(() -> transcript(token).statusCode() != 503);
    AppSocket again = AppSocket.connect(listen(), token);
    again.awaitMessage(m -> m.contains("session_started"));
    again.closeNormally();
  }
}
