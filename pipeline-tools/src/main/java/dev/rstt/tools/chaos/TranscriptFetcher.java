package dev.rstt.tools.chaos;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads {@code GET /v1/sessions/{id}/transcript} through any gateway that answers, as the session's user. */
final class TranscriptFetcher {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final List<String> gateways;
  private final Function<String, String> tokenForUser;

  TranscriptFetcher(List<String> gateways, Function<String, String> tokenForUser) {
    this.gateways = List.copyOf(gateways);
    this.tokenForUser = tokenForUser;
  }

  /** One read, trying each gateway until one answers 200 (or the last answer). */
  StoredTranscript read(String sessionId, String userId) {
    StoredTranscript last = StoredTranscript.failed(0, "no gateway answered");
    for (String gateway : gateways) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create(gateway + "/v1/sessions/" + sessionId + "/transcript"))
            .header("Authorization", "Bearer " + tokenForUser.apply(userId)).timeout(Duration.ofSeconds(15)).GET()
            .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          last = StoredTranscript.failed(r.statusCode(), r.body().length() > 200 ? r.body().substring(0, 200)
              : r.body());
          continue;
        }
        JsonNode body = JSON.readTree(r.body());
        List<SegmentView> segments = new ArrayList<>();
        body.path("segments").forEach(s -> segments.add(SegmentView.of(s)));
        return new StoredTranscript(200, segments, body.path("complete").asBoolean(false), null);
      } catch (Exception e) {
        last = StoredTranscript.failed(0, e.toString());
      }
    }
    return last;
  }

  /** Reads until {@code complete}, or until the deadline (epoch ms); answers the last read. */
  StoredTranscript readUntilComplete(String sessionId, String userId, long deadlineMs) throws InterruptedException {
    StoredTranscript t = read(sessionId, userId);
    while (!(t.ok() && t.complete()) && System.currentTimeMillis() < deadlineMs) {
      Thread.sleep(2_000);
      t = read(sessionId, userId);
    }
    return t;
  }
}
