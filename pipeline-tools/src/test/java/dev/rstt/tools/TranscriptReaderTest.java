package dev.rstt.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A transcript read in pages (docs/CONTRACT.md section 6.8), from a server that answers as the gateway does. */
class TranscriptReaderTest {

  private static final String SESSION = "01JSESSION0000000000000000";

  private HttpServer server;
  private final List<String> queries = new ArrayList<>();

  private String serve(Map<String, String> pagesByQuery, int status) throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/sessions/" + SESSION + "/transcript", exchange -> {
      String query = exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery();
      queries.add(query + " " + exchange.getRequestHeaders().getFirst("Authorization"));
      byte[] body = pagesByQuery.getOrDefault(query, "{\"error\":\"unknown_cursor\"}").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(pagesByQuery.containsKey(query) ? status : 400, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void shouldFollowNextUntilTheLastPageAndKeepEverySegmentInOrder() throws Exception {
    String url = serve(Map.of(
        "", "{\"session_id\":\"" + SESSION + "\",\"segments\":[{\"id\":\"a\"},{\"id\":\"b\"}],"
            + "\"statuses\":[{\"status\":\"stt_degraded\"}],\"complete\":false,\"next\":\"b\"}",
        "after=b", "{\"segments\":[{\"id\":\"c\"},{\"id\":\"d\"}],\"statuses\":[],\"complete\":false,\"next\":\"d\"}",
        "after=d", "{\"segments\":[{\"id\":\"e\"}],\"statuses\":[],\"complete\":true,\"next\":null}"), 200);

    TranscriptReader.Result read = new TranscriptReader(HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1).build(), url, Duration.ofSeconds(5))
        .read(SESSION, "tok");

    assertThat(read.ok()).isTrue();
    JsonNode t = read.transcript();
    List<String> ids = new ArrayList<>();
    t.path("segments").forEach(s -> ids.add(s.path("id").asString()));
    assertThat(ids).containsExactly("a", "b", "c", "d", "e");
    assertThat(t.path("statuses")).hasSize(1);
    assertThat(t.path("complete").asBoolean()).as("the last page's").isTrue();
    assertThat(t.has("next")).isFalse();
    assertThat(queries).containsExactly(" Bearer tok", "after=b Bearer tok", "after=d Bearer tok");
  }

  @Test
  void shouldSayWhatRefusedAPage() throws Exception {
    String url = serve(Map.of("", "{\"error\":\"not_found\"}"), 404);

    TranscriptReader.Result read = new TranscriptReader(HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1).build(), url, Duration.ofSeconds(5))
        .read(SESSION, "tok");

    assertThat(read.ok()).isFalse();
    assertThat(read.refused()).isEqualTo(new TranscriptReader.Refused(404, "{\"error\":\"not_found\"}"));
  }
}
