package dev.rstt.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.testsupport.Sockets;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the services expose, as their exec jars run with the defaults (README "Security"): only the gateway's app port
 * is reachable from another host; health, metrics and the merger's internal API listen on loopback; the internal API
 * takes only the internal credential, and a service that serves or calls it does not start without one; every HTTP
 * port closes a connection that sends nothing, while an app's idle socket stays open.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InternalSurfacesIT {

  private static final String IDLE = "--server.netty.idle-timeout=2s";
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private Stack stack;
  private final Map<String, ServiceProcess> services = new LinkedHashMap<>();

  @BeforeAll
  void start() {
    stack = new Stack();
    services.put("transcript-merger", stack.startMerger(List.of(IDLE)));
    services.put("stt-worker", stack.start("stt-worker", List.of(IDLE)));
    services.put("batch-worker", stack.start("batch-worker", List.of(IDLE)));
    services.put("ingest-gateway", stack.start("ingest-gateway", List.of(IDLE, "--rstt.gateway.merger-url="
        + stack.merger.httpUrl())));
  }

  @AfterAll
  void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void shouldListenOnLoopbackOnlyExceptForTheGatewaysAppPort() {
    InetAddress external = Sockets.nonLoopbackAddress().orElse(null);
    assumeThat(external).as("this machine has a non-loopback IPv4 address").isNotNull();
    InetAddress loopback = InetAddress.getLoopbackAddress();
    ServiceProcess gateway = services.get("ingest-gateway");
    assertThat(Sockets.accepts(external, gateway.port(), Duration.ofSeconds(5))).as("gateway app port, from the network")
        .isTrue();
    services.forEach((name, service) -> {
      assertThat(Sockets.accepts(external, service.managementPort(), Duration.ofSeconds(5)))
          .as("%s management port %d from the network", name, service.managementPort()).isFalse();
      assertThat(Sockets.accepts(loopback, service.managementPort(), Duration.ofSeconds(5)))
          .as("%s management port from loopback", name).isTrue();
    });
    assertThat(gateway.managementPort()).isNotEqualTo(gateway.port());
    assertThat(status(gateway.httpUrl() + "/actuator/health", null)).as("no actuator on the app port").isEqualTo(404);
  }

  @Test
  void shouldServeTheInternalTranscriptApiOnlyWithTheInternalCredential() {
    String url = stack.merger.managementUrl() + "/internal/sessions/01JZZZZZZZZZZZZZZZZZZZZZZZ/transcript";
    assertThat(status(url, null)).as("no credential").isEqualTo(401);
    assertThat(status(url, "Bearer " + Stack.INTERNAL_SECRET.substring(1))).as("wrong credential").isEqualTo(401);
    assertThat(status(url, "Bearer " + Stack.INTERNAL_SECRET)).as("the credential: unknown session").isEqualTo(404);
    assertThat(status(stack.merger.managementUrl() + "/actuator/health", null)).isEqualTo(200);
  }

  @Test
  void shouldNotStartTheGatewayOrTheMergerWithoutTheInternalSecret() throws Exception {
    for (String module : List.of("ingest-gateway", "transcript-merger")) {
      Map<String, String> env = new HashMap<>(stack.env(module));
      env.remove("RSTT_INTERNAL_SECRET");
      // production settings otherwise (development mode would allow a blank internal secret): JWKS, fetched lazily
      env.put("RSTT_GATEWAY_AUTH_JWKS_URL", "https://127.0.0.1:9/jwks.json");
      env.put("RSTT_GATEWAY_AUTH_ISSUER", "https://issuer.example");
      env.put("RSTT_GATEWAY_AUTH_AUDIENCE", "rstt");
      ServiceProcess p = ServiceProcess.start(module, "no-secret", env, List.of());
      try {
        await(module + " exits").atMost(Duration.ofSeconds(90)).until(() -> !p.alive());
        assertThat(Files.readString(p.logFile())).contains("rstt.internal.secret").contains("RSTT_INTERNAL_SECRET");
      } finally {
        p.close();
      }
    }
  }

  @Test
  void shouldCloseSilentConnectionsOnEveryPortButKeepAnIdleAppSocket() throws Exception {
    ServiceProcess gateway = services.get("ingest-gateway");
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("gateway app", gateway.port());
    services.forEach((name, service) -> ports.put(name + " management", service.managementPort()));
    AppSession app = AppSession.open(gateway.httpUrl(), Stack.token("idle"), 16000);
    ports.forEach((name, port) -> assertThat(Sockets.silentConnectionClosedAfter("127.0.0.1", port,
        Duration.ofSeconds(30))).as("silent connection to %s", name)
        .hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(20))));
    // the app sent nothing since it connected, for longer than the HTTP idle timeout: its socket is the gateway's own
    assertThat(app.isClosed()).isFalse();
    assertThat(app.events()).anySatisfy(e -> assertThat(e).contains("session_started"));
    app.stop();
    assertThat(app.awaitClose(Duration.ofSeconds(30))).isEqualTo(1000);
  }

  private static int status(String url, String authorization) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      throw new AssertionError(url, e);
    }
  }
}
