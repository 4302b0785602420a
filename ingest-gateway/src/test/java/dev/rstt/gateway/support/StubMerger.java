package dev.rstt.gateway.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in for the merger's internal transcript API ({@code GET /internal/sessions/{id}/transcript}) on loopback,
 * answering what the test's function of the session id and the request says. Closing stops it.
 */
public final class StubMerger implements AutoCloseable {

  /** An answer: its status, and its JSON body (none when null). */
  public record Answer(int status, String json) {

    /** The transcript {@code json}, or 404 without a body when there is none. */
    public static Answer transcriptOrNotFound(String json) {
      return new Answer(json == null ? 404 : 200, json);
    }
  }

  /** What the stub answers a request for a session's transcript. */
  @FunctionalInterface
  public interface Answers {
    Answer answer(String sessionId, HttpExchange exchange);
  }

  private final HttpServer server;

  private StubMerger(HttpServer server) {
    this.server = server;
  }

  public static StubMerger start(Answers answers) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/internal/sessions/", exchange -> {
        String session = exchange.getRequestURI().getPath().split("/")[3];
        Answer answer = answers.answer(session, exchange);
        byte[] bytes = answer.json() == null ? new byte[0] : answer.json().getBytes(StandardCharsets.UTF_8);
        if (answer.json() != null) {
          exchange.getResponseHeaders().add("Content-Type", "application/json");
        }
        exchange.sendResponseHeaders(answer.status(), answer.json() == null ? -1 : bytes.length);
        if (answer.json() != null) {
          exchange.getResponseBody().write(bytes);
        }
        exchange.close();
      });
      server.start();
      return new StubMerger(server);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The base URL, as {@code rstt.gateway.merger-url}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
