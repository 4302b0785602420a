package dev.rstt.emulator;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/** Test helper for {@code /__emulator/*} and pre-recorded requests over java.net.http. */
final class Admin {

  private Admin() {
  }

  /**
   * One admin call (GET, PUT or DELETE: all idempotent). java.net.http on Java 17 was seen to wait forever for
   * an answer on a pooled keep-alive connection after a delayed pre-recorded response, with the emulator never
   * receiving the request; so a call times out after 10 s and is tried once more, on a fresh connection.
   */
  static HttpResponse<String> send(DeepgramEmulator e, String method, String path, String body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(e.httpUrl() + path)).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("content-type", "application/json").build();
    try {
      try {
        return LiveClient.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (HttpTimeoutException first) {
        return LiveClient.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      }
    } catch (Exception ex) {
      throw new AssertionError(method + " " + path + " failed", ex);
    }
  }

  static JsonNode putFaults(DeepgramEmulator e, String json) {
    HttpResponse<String> r = send(e, "PUT", "/__emulator/faults", json);
    if (r.statusCode() != 200) {
      throw new AssertionError("PUT faults: " + r.statusCode() + " " + r.body());
    }
    return LiveClient.JSON.readTree(r.body());
  }

  static void clearFaults(DeepgramEmulator e) {
    send(e, "DELETE", "/__emulator/faults", null);
  }

  static JsonNode stats(DeepgramEmulator e) {
    return LiveClient.JSON.readTree(send(e, "GET", "/__emulator/stats", null).body());
  }

  static HttpResponse<String> transcribe(DeepgramEmulator e, String query, String contentType, byte[] body,
      String key) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(e.httpUrl() + "/v1/listen?" + query))
        .timeout(Duration.ofSeconds(30)) // a POST is not retried: a lost answer fails the test instead of hanging it
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("content-type", contentType);
    if (key != null) {
      b.header("Authorization", "Token " + key);
    }
    try {
      return LiveClient.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception ex) {
      throw new AssertionError(ex);
    }
  }
}
