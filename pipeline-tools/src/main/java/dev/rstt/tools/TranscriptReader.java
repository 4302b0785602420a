package dev.rstt.tools;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads a whole stored transcript through the gateway's {@code GET /v1/sessions/{id}/transcript}, following its
 * pages (docs/CONTRACT.md section 6.8: {@code next} is the {@code after} of the next page, null on the last). The
 * result has the first page's fields, every page's segments in order, the last page's {@code complete}, and no
 * {@code next}.
 */
public final class TranscriptReader {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A page the gateway did not answer with 200: its status and body. */
  public record Refused(int status, String body) {
  }

  /** The whole transcript, or what refused a page. */
  public record Result(JsonNode transcript, Refused refused) {
    public boolean ok() {
      return refused == null;
    }
  }

  private final HttpClient http;
  private final String gatewayUrl;
  private final Duration timeout;

  public TranscriptReader(HttpClient http, String gatewayUrl, Duration timeout) {
    this.http = http;
    this.gatewayUrl = gatewayUrl;
    this.timeout = timeout;
  }

  public Result read(String sessionId, String token) throws IOException, InterruptedException {
    ObjectNode whole = null;
    ArrayNode segments = null;
    String after = null;
    do {
      String query = after == null ? "" : "?after=" + URLEncoder.encode(after, StandardCharsets.UTF_8);
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
              URI.create(gatewayUrl + "/v1/sessions/" + sessionId + "/transcript" + query))
          .header("Authorization", "Bearer " + token).timeout(timeout).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return new Result(null, new Refused(response.statusCode(), response.body()));
      }
      JsonNode page = JSON.readTree(response.body());
      if (whole == null) {
        whole = (ObjectNode) page.deepCopy();
        segments = whole.putArray("segments");
      }
      page.path("segments").forEach(segments::add);
      whole.set("complete", page.path("complete"));
      JsonNode next = page.path("next");
      after = next.isString() ? next.asString() : null;
    } while (after != null);
    whole.remove("next");
    return new Result(whole, null);
  }
}
