package dev.rstt.gateway.ws;

import dev.rstt.gateway.limits.ConnectionGate;
import io.netty.channel.Channel;
import java.util.function.Supplier;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * Reactor Netty's upgrade, plus the socket's Netty channel in the session attributes
 * ({@link #CHANNEL}), so the handler can see how many bytes wait in the channel for a slow client; and the
 * socket cap's permit, taken before the upgrade by {@link ConnectionGate}, handed to the connection.
 */
public final class ChannelCapturingUpgradeStrategy implements RequestUpgradeStrategy {

  public static final String CHANNEL = ChannelCapturingUpgradeStrategy.class.getName() + ".channel";

  private final RequestUpgradeStrategy delegate;

  public ChannelCapturingUpgradeStrategy(RequestUpgradeStrategy delegate) {
    this.delegate = delegate;
  }

  @Override
  public Mono<Void> upgrade(ServerWebExchange exchange, WebSocketHandler handler, String subProtocol,
      Supplier<HandshakeInfo> handshakeInfoFactory) {
    Object nativeResponse = ServerHttpResponseDecorator.getNativeResponse(exchange.getResponse());
    Channel channel = nativeResponse instanceof Connection connection ? connection.channel() : null;
    WebSocketHandler capturing = channel == null ? handler : session -> {
      ConnectionGate.claim(channel); // upgraded: the socket cap's permit is held until the connection closes
      session.getAttributes().put(CHANNEL, channel);
      return handler.handle(session);
    };
    return delegate.upgrade(exchange, capturing, subProtocol, handshakeInfoFactory);
  }
}
