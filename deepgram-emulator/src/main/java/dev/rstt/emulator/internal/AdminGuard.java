package dev.rstt.emulator.internal;

import dev.rstt.emulator.EmulatorSettings;
import dev.rstt.emulator.EmulatorSettings.AdminAccess;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * What stands before every {@code /__emulator/*} handler: who may call (loopback only unless opened by name), which
 * browser origins may call cross-origin (none unless named), and how big a body may be
 * ({@value #MAX_BODY_BYTES} bytes; more is 413).
 */
public final class AdminGuard {

  private static final Logger log = LoggerFactory.getLogger(AdminGuard.class);
  public static final int MAX_BODY_BYTES = 64 * 1024;
  static final String METHODS = "GET, PUT, DELETE";
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final AdminAccess access;
  private final Set<String> origins;

  public AdminGuard(EmulatorSettings settings) {
    this.access = settings.adminAccess();
    this.origins = settings.adminCorsOrigins();
  }

  /** The handler behind the access check and, for a browser's request, the origin check. */
  public BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> guard(
      BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler) {
    return (req, res) -> {
      String refusal = refusal(access, req.remoteAddress(), req.requestHeaders().get("host"));
      if (refusal != null) {
        return forbidden(req, res, refusal);
      }
      String origin = req.requestHeaders().get("origin");
      if (origin != null) {
        if (!origins.contains(origin.toLowerCase(Locale.ROOT))) {
          return forbidden(req, res, "origin " + origin + " may not call the admin API (start the emulator with "
              + "--admin-cors-origin " + origin + " to allow it)");
        }
        res.header("access-control-allow-origin", origin).header("vary", "Origin");
      }
      return handler.apply(req, res);
    };
  }

  /** A CORS preflight ({@code OPTIONS}): 204 with the allowed methods for a named origin, else 403. */
  public Publisher<Void> preflight(HttpServerRequest req, HttpServerResponse res) {
    String refusal = refusal(access, req.remoteAddress(), req.requestHeaders().get("host"));
    if (refusal != null) {
      return forbidden(req, res, refusal);
    }
    String origin = req.requestHeaders().get("origin");
    String method = req.requestHeaders().get("access-control-request-method");
    if (origin == null || method == null) {
      return forbidden(req, res, "OPTIONS on the admin API is a CORS preflight: Origin and "
          + "Access-Control-Request-Method are required");
    }
    if (!origins.contains(origin.toLowerCase(Locale.ROOT))) {
      return forbidden(req, res, "origin " + origin + " may not call the admin API (start the emulator with "
          + "--admin-cors-origin " + origin + " to allow it)");
    }
    if (!Set.of("GET", "PUT", "DELETE").contains(method.trim().toUpperCase(Locale.ROOT))) {
      return forbidden(req, res, "method " + method + " is not one of " + METHODS);
    }
    HttpServerResponse r = res.status(HttpResponseStatus.NO_CONTENT)
        .header("access-control-allow-origin", origin)
        .header("access-control-allow-methods", METHODS)
        .header("access-control-allow-headers", "content-type")
        .header("access-control-max-age", "600")
        .header("vary", "Origin");
    if ("true".equalsIgnoreCase(req.requestHeaders().get("access-control-request-private-network"))) {
      r = r.header("access-control-allow-private-network", "true"); // a page on a LAN address calling loopback
    }
    return r.send();
  }

  private static Publisher<Void> forbidden(HttpServerRequest req, HttpServerResponse res, String why) {
    log.warn("Admin request {} {} refused: {}", req.method(), req.path(), why);
    return Http.json(res, 403, Map.of("error", why));
  }

  /**
   * Why a client at {@code peer}, naming {@code host} in its {@code Host} header, may not call the admin API; null if
   * it may. With {@link AdminAccess#LOOPBACK} the peer must be a loopback address and the host a loopback name or
   * literal (a page on another site that rebinds its DNS name to 127.0.0.1 still names its own host).
   */
  static String refusal(AdminAccess access, InetSocketAddress peer, String host) {
    if (access == AdminAccess.ANY) {
      return null;
    }
    InetAddress address = peer == null ? null : peer.getAddress();
    if (address == null || !address.isLoopbackAddress()) {
      return "the admin API answers loopback clients only (start the emulator with --admin-access any to open it)";
    }
    if (host != null && !loopbackHost(host)) {
      return "the admin API answers requests for a loopback host only (Host: " + host + ")";
    }
    return null;
  }

  /** {@code localhost}, {@code *.localhost}, {@code 127.x.y.z} or {@code [::1]}, with or without a port. */
  static boolean loopbackHost(String hostHeader) {
    String h = hostHeader.trim().toLowerCase(Locale.ROOT);
    String name;
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      if (end < 0) {
        return false;
      }
      name = h.substring(1, end);
      return literalLoopback(name);
    }
    int colon = h.indexOf(':');
    name = colon < 0 ? h : h.substring(0, colon);
    if (name.equals("localhost") || name.endsWith(".localhost")) {
      return true;
    }
    return IPV4.matcher(name).matches() && literalLoopback(name);
  }

  /** An IP literal (never a DNS lookup: callers pass literals only) that is a loopback address. */
  private static boolean literalLoopback(String literal) {
    if (!IPV4.matcher(literal).matches() && !literal.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** An admin body over {@value #MAX_BODY_BYTES} bytes. */
  public static final class TooLarge extends RuntimeException {
    TooLarge() {
      super("admin body over " + MAX_BODY_BYTES + " bytes", null, false, false);
    }
  }

  /** The request body as text, at most {@value #MAX_BODY_BYTES} bytes, else a {@link TooLarge} error. */
  public static Mono<String> body(HttpServerRequest req) {
    String length = req.requestHeaders().get("content-length");
    if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > MAX_BODY_BYTES) {
      return Mono.error(new TooLarge());
    }
    return req.receive().reduceWith(ByteArrayOutputStream::new, (out, chunk) -> {
      if (out.size() + chunk.readableBytes() > MAX_BODY_BYTES) {
        throw new TooLarge();
      }
      byte[] b = new byte[chunk.readableBytes()];
      chunk.getBytes(chunk.readerIndex(), b);
      out.write(b, 0, b.length);
      return out;
    }).map(out -> out.toString(StandardCharsets.UTF_8)).defaultIfEmpty("");
  }
}
