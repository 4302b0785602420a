package dev.rstt.emulator;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import tools.jackson.databind.JsonNode;

/** Test helper for {@code /__emulator/*} and pre-recorded requests over java.net.http. */
final class Admin {

  private Admin() {
  }

  static HttpResponse<String> send(DeepgramEmulator e, String method, String path, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(e.httpUrl() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("content-type", "application/json");
    try {
      return LiveClient.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception ex) {
      throw new AssertionError(ex);
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
