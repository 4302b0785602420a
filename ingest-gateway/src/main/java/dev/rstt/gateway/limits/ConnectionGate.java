package dev.rstt.gateway.limits;

import dev.rstt.gateway.GatewayMetrics;
import dev.rstt.gateway.updates.AppMessages;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * Connection-level limits, answered <b>before</b> the WebSocket upgrade with a plain HTTP response, so a refused
 * attempt costs a few bytes and no socket: upgrades to {@code /v4/listen} and {@code /v4/web/listen} per client
 * address (token bucket, {@link AddressRate}): 429; and app sockets on this instance ({@link SocketPermits}): 503.
 * Both with {@code Retry-After} and the error JSON the sockets use. An admitted upgrade's permit is held by its
 * connection until it closes ({@link #claim}).
 */
public final class ConnectionGate implements WebFilter {

  private static final Logger log = LoggerFactory.getLogger(ConnectionGate.class);
  private static final AttributeKey<SocketPermits.Permit> PERMIT = AttributeKey.valueOf("rstt.socketPermit");
  /** What a refused app is told to wait when the instance is full (it holds sockets for minutes to hours). */
  static final Duration BUSY_RETRY_AFTER = Duration.ofSeconds(10);

  private final Set<String> paths;
  private final AddressRate rate;
  private final SocketPermits permits;
  private final GatewayMetrics metrics;

  public ConnectionGate(Set<String> paths, AddressRate rate, SocketPermits permits, GatewayMetrics metrics) {
    this.paths = Set.copyOf(paths);
    this.rate = rate;
    this.permits = permits;
    this.metrics = metrics;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    if (!paths.contains(exchange.getRequest().getPath().value())) {
      return chain.filter(exchange);
    }
    InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
    if (remote != null && remote.getAddress() != null) {
      AddressRate.Decision decision = rate.tryAcquire(AddressRate.key(remote.getAddress()));
      if (!decision.allowed()) {
        metrics.rejected("ip_connect_rate");
        log.debug("Refused an upgrade before it happened: ip_connect_rate");
        return refuse(exchange, HttpStatus.TOO_MANY_REQUESTS, "ip_connect_rate",
            "too many connection attempts from this address; retry later", decision.retryAfter());
      }
    }
    SocketPermits.Permit permit = permits.tryAcquire();
    if (permit == null) {
      metrics.rejected("server_busy");
      log.debug("Refused an upgrade before it happened: server_busy ({} sockets)", permits.max());
      return refuse(exchange, HttpStatus.SERVICE_UNAVAILABLE, "server_busy",
          "this server holds as many sessions as it may; retry later", BUSY_RETRY_AFTER);
    }
    Channel channel = channel(exchange.getResponse());
    if (channel != null) {
      channel.attr(PERMIT).set(permit);
    }
    // not upgraded (a plain GET, a refused handshake): the permit goes back when the exchange ends
    return chain.filter(exchange).doFinally(signal -> {
      if (!permit.claimed()) {
        permit.release();
        if (channel != null) {
          channel.attr(PERMIT).compareAndSet(permit, null);
        }
      }
    });
  }

  /** The upgrade happened on {@code channel}: its permit is held until the connection closes. */
  public static void claim(Channel channel) {
    SocketPermits.Permit permit = channel.attr(PERMIT).getAndSet(null);
    if (permit != null && permit.claim()) {
      channel.closeFuture().addListener(f -> permit.release());
    }
  }

  static Channel channel(ServerHttpResponse response) {
    Object nativeResponse = ServerHttpResponseDecorator.getNativeResponse(response);
    return nativeResponse instanceof Connection connection ? connection.channel() : null;
  }

  private static Mono<Void> refuse(ServerWebExchange exchange, HttpStatus status, String code, String message,
      Duration retryAfter) {
    ServerHttpResponse response = exchange.getResponse();
    long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    response.setStatusCode(status);
    response.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
    response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
    response.getHeaders().set(HttpHeaders.CONNECTION, "close");
    byte[] body = AppMessages.error(code, message, Duration.ofSeconds(seconds)).getBytes(StandardCharsets.UTF_8);
    DataBuffer buffer = response.bufferFactory().wrap(body);
    return response.writeWith(Mono.just(buffer));
  }
}
