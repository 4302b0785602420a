package dev.rstt.emulator.internal;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/** Small helpers for HTTP answers. */
public final class Http {

  private Http() {
  }

  public static Publisher<Void> json(HttpServerResponse res, int status, Object body) {
    return res.status(HttpResponseStatus.valueOf(status))
        .header("content-type", "application/json")
        .sendString(Mono.just(Json.write(body)))
        .then();
  }

  /** A Deepgram error: status, {@code dg-error}, {@code dg-request-id} and the JSON body. */
  public static Publisher<Void> error(HttpServerResponse res, DgError error, String requestId) {
    return error(res, error, requestId, null);
  }

  /** Same, with {@code Retry-After: retryAfterSeconds} when not null (a 429 always has one: 1 by default). */
  public static Publisher<Void> error(HttpServerResponse res, DgError error, String requestId,
      Integer retryAfterSeconds) {
    HttpServerResponse r = res.status(HttpResponseStatus.valueOf(error.status()))
        .header("content-type", "application/json")
        .header("dg-error", error.errMsg())
        .header("dg-request-id", requestId)
        .header("access-control-expose-headers", "dg-model-name,dg-model-uuid,dg-request-id,dg-error");
    if (retryAfterSeconds != null) {
      r = r.header("retry-after", Integer.toString(retryAfterSeconds));
    } else if (error.status() == 429) {
      r = r.header("retry-after", "1");
    }
    return r.sendString(Mono.just(error.body(requestId))).then();
  }

  /** The key from {@code Authorization: Token|Bearer <key>} (scheme case-insensitive), or null. */
  public static String authorizationKey(HttpServerRequest req) {
    String auth = req.requestHeaders().get("authorization");
    if (auth == null) {
      return null;
    }
    String trimmed = auth.trim();
    int space = trimmed.indexOf(' ');
    if (space < 0) {
      return null;
    }
    String scheme = trimmed.substring(0, space);
    if (!scheme.equalsIgnoreCase("token") && !scheme.equalsIgnoreCase("bearer")) {
      return null;
    }
    String key = trimmed.substring(space + 1).trim();
    return key.isEmpty() ? null : key;
  }

  /** The key from {@code Sec-WebSocket-Protocol: token, <key>} (or bearer), or null. */
  public static String subprotocolKey(HttpServerRequest req) {
    String protocols = req.requestHeaders().get("sec-websocket-protocol");
    if (protocols == null) {
      return null;
    }
    String[] parts = protocols.split(",");
    for (int i = 0; i + 1 < parts.length; i++) {
      String p = parts[i].trim();
      if (p.equalsIgnoreCase("token") || p.equalsIgnoreCase("bearer")) {
        String key = parts[i + 1].trim();
        return key.isEmpty() ? null : key;
      }
    }
    return null;
  }

  public static Map<String, Object> health() {
    return Map.of("status", "UP");
  }
}
