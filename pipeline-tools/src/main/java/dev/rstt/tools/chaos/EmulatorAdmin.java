package dev.rstt.tools.chaos;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The emulator's admin API ({@code /__emulator/faults}, {@code /__emulator/stats}); loopback only. */
public final class EmulatorAdmin {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;

  public EmulatorAdmin(String baseUrl) {
    this.baseUrl = baseUrl.replaceAll("/+$", "");
  }

  public void put(String faults) {
    send(HttpRequest.newBuilder(URI.create(baseUrl + "/__emulator/faults")).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(faults)));
  }

  /** The current fault set, {@code GET /__emulator/faults}. */
  public JsonNode current() {
    return JSON.readTree(send(HttpRequest.newBuilder(URI.create(baseUrl + "/__emulator/faults")).GET()));
  }

  public void clear() {
    send(HttpRequest.newBuilder(URI.create(baseUrl + "/__emulator/faults")).DELETE());
  }

  /** Switches realism on ({@code PUT /__emulator/realism}, the emulator's JSON; {@code {}} = its defaults). */
  public void realism(String json) {
    send(HttpRequest.newBuilder(URI.create(baseUrl + "/__emulator/realism")).header("Content-Type",
        "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** Realism off. */
  public void realismOff() {
    send(HttpRequest.newBuilder(URI.create(baseUrl + "/__emulator/realism")).DELETE());
  }

  /** {@code faults_applied} of {@code GET /__emulator/stats}: every counter, by its key. */
  public Map<String, Long> faultsApplied() {
    JsonNode stats = JSON.readTree(send(HttpRequest.newBuilder(URI.create(baseUrl + "/__emulator/stats")).GET()));
    Map<String, Long> out = new TreeMap<>();
    stats.path("faults_applied").properties().forEach(e -> out.put(e.getKey(), e.getValue().asLong()));
    return out;
  }

  /**
   * Every call is idempotent: a call that times out (Java's client was seen to wait forever on a pooled connection
   * whose request never reached the server) is tried once more.
   */
  private String send(HttpRequest.Builder builder) {
    HttpRequest request = builder.timeout(Duration.ofSeconds(10)).build();
    try {
      HttpResponse<String> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (HttpTimeoutException first) {
        response = http.send(request, HttpResponse.BodyHandlers.ofString());
      }
      if (response.statusCode() >= 300) {
        throw new IllegalStateException(request.method() + " " + request.uri() + " answered "
            + response.statusCode() + ": " + response.body());
      }
      return response.body();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(request.method() + " " + request.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
