package dev.rstt.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.rstt.testsupport.ToneScript;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin API is internal by default: loopback clients only, bounded bodies, no CORS; each opening is switched on
 * by name ({@code --admin-access any}, {@code --admin-cors-origin}).
 */
class AdminSecurityIT {

  static final String PAGE = "http://localhost:8080";
  static DeepgramEmulator emulator;

  @BeforeAll
  static void start() {
    emulator = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0));
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  /** A non-loopback IPv4 address of this machine, or null. */
  static InetAddress externalAddress() throws Exception {
    for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!ni.isUp() || ni.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(ni.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
          return a;
        }
      }
    }
    return null;
  }

  static HttpResponse<String> call(String url, String method, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    try {
      return LiveClient.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(method + " " + url, e);
    }
  }

  @Test
  void shouldRefuseTheAdminApiToANonLoopbackClientButServeItTheTranscriptionApi() throws Exception {
    InetAddress external = externalAddress();
    assumeThat(external).as("this machine has a non-loopback IPv4 address").isNotNull();
    String base = "http://" + external.getHostAddress() + ":" + emulator.port();
    for (String path : new String[] {"/__emulator/faults", "/__emulator/stats", "/__emulator/realism"}) {
      HttpResponse<String> r = call(base + path, "GET", null);
      assertThat(r.statusCode()).as(path).isEqualTo(403);
      assertThat(r.body()).contains("--admin-access any");
    }
    assertThat(call(base + "/__emulator/faults", "PUT", "{\"live\":{\"handshake_status\":503}}").statusCode())
        .isEqualTo(403);
    assertThat(call(base + "/health", "GET", null).statusCode()).isEqualTo(200);
    byte[] wav = ToneScript.builder(16000).silence(100).word(0, "001").silence(200).build().wav();
    HttpResponse<String> transcribed = LiveClient.HTTP.send(HttpRequest.newBuilder(URI.create(base
        + "/v1/listen?model=nova-3")).POST(HttpRequest.BodyPublishers.ofByteArray(wav))
        .header("content-type", "audio/wav").header("Authorization", "Token k").timeout(Duration.ofSeconds(10))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(transcribed.statusCode()).isEqualTo(200);
    assertThat(transcribed.body()).contains("w001");
    // the refused PUT changed nothing
    assertThat(Admin.send(emulator, "GET", "/__emulator/faults", null).body()).contains("\"live\":null");

    try (DeepgramEmulator open = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0)
        .withAdminAccess(EmulatorSettings.AdminAccess.ANY))) {
      String openBase = "http://" + external.getHostAddress() + ":" + open.port();
      assertThat(call(openBase + "/__emulator/stats", "GET", null).statusCode()).isEqualTo(200);
    }
  }

  /** One raw HTTP/1.1 exchange (java.net.http will not send a foreign Host header); the status line. */
  static String raw(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", emulator.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        line.append((char) c);
      }
      return line.toString().trim();
    }
  }

  @Test
  void shouldRefuseALoopbackRequestForAForeignHostName() throws Exception {
    assertThat(raw("GET /__emulator/stats HTTP/1.1\r\nHost: attacker.example:" + emulator.port()
        + "\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 403");
    assertThat(raw("GET /__emulator/stats HTTP/1.1\r\nHost: localhost:" + emulator.port()
        + "\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200");
  }

  @Test
  void shouldRefuseAdminBodiesOver64KibWith413() {
    String big = "{\"live\":null,\"pad\":\"" + "x".repeat(70 * 1024) + "\"}";
    HttpResponse<String> r = Admin.send(emulator, "PUT", "/__emulator/faults", big);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.body()).contains("65536");
    assertThat(Admin.send(emulator, "PUT", "/__emulator/realism", big).statusCode()).isEqualTo(413);
    // chunked (no Content-Length): cut off while reading
    HttpResponse<String> chunked = sendChunked("/__emulator/faults", big.getBytes(StandardCharsets.UTF_8));
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertThat(Admin.send(emulator, "PUT", "/__emulator/faults", "{\"live\":null}").statusCode()).isEqualTo(200);
  }

  static HttpResponse<String> sendChunked(String path, byte[] body) {
    try {
      return LiveClient.HTTP.send(HttpRequest.newBuilder(URI.create(emulator.adminUrl() + path))
          .timeout(Duration.ofSeconds(10)).header("content-type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void shouldAnswerNoCorsUnlessAnOriginIsNamed() {
    String url = emulator.adminUrl() + "/__emulator/faults";
    HttpResponse<String> preflight = call(url, "OPTIONS", null, "Origin", PAGE,
        "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "content-type");
    assertThat(preflight.statusCode()).isEqualTo(403);
    assertThat(preflight.headers().firstValue("access-control-allow-origin")).isEmpty();
    HttpResponse<String> fromPage = call(url, "GET", null, "Origin", PAGE);
    assertThat(fromPage.statusCode()).isEqualTo(403);
    assertThat(fromPage.body()).contains("--admin-cors-origin");
  }

  @Test
  void shouldAnswerPreflightsAndRequestsOfTheNamedOriginOnly() {
    try (DeepgramEmulator cors = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0)
        .withAdminCorsOrigins(Set.of(PAGE)))) {
      String url = cors.adminUrl() + "/__emulator/faults";
      HttpResponse<String> preflight = call(url, "OPTIONS", null, "Origin", PAGE,
          "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "content-type",
          "Access-Control-Request-Private-Network", "true");
      assertThat(preflight.statusCode()).isEqualTo(204);
      assertThat(preflight.headers().firstValue("access-control-allow-origin")).contains(PAGE);
      assertThat(preflight.headers().firstValue("access-control-allow-methods").orElseThrow()).contains("PUT")
          .contains("DELETE").contains("GET");
      assertThat(preflight.headers().firstValue("access-control-allow-headers").orElseThrow())
          .containsIgnoringCase("content-type");
      assertThat(preflight.headers().firstValue("access-control-allow-private-network")).contains("true");
      assertThat(preflight.headers().firstValue("vary")).contains("Origin");

      HttpResponse<String> put = call(url, "PUT", "{\"live\":{\"handshake_status\":503}}", "Origin", PAGE,
          "content-type", "application/json");
      assertThat(put.statusCode()).isEqualTo(200);
      assertThat(put.headers().firstValue("access-control-allow-origin")).contains(PAGE);
      HttpResponse<String> stats = call(cors.adminUrl() + "/__emulator/stats", "GET", null, "Origin", PAGE);
      assertThat(stats.headers().firstValue("access-control-allow-origin")).contains(PAGE);

      String other = "http://localhost:9999";
      HttpResponse<String> otherPreflight = call(url, "OPTIONS", null, "Origin", other,
          "Access-Control-Request-Method", "PUT");
      assertThat(otherPreflight.statusCode()).isEqualTo(403);
      assertThat(otherPreflight.headers().firstValue("access-control-allow-origin")).isEmpty();
      assertThat(call(url, "DELETE", null, "Origin", other).statusCode()).isEqualTo(403);
      assertThat(call(url, "OPTIONS", null, "Origin", PAGE, "Access-Control-Request-Method", "POST").statusCode())
          .isEqualTo(403);
      // still in place: the other origin's DELETE was refused
      assertThat(call(url, "GET", null).body()).contains("\"handshake_status\":503");
    }
  }
}
