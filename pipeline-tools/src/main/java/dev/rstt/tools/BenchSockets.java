package dev.rstt.tools;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The bench's sockets: every WebSocket of the run on one Netty event loop (one thread), which also paces the audio
 * (one 10 ms tick that sends each streaming client the frames now due) so that the generator takes as little of the
 * machine as it can beside the system it loads.
 */
final class BenchSockets implements AutoCloseable {

  static final long TICK_MS = 10;

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, r -> {
    Thread t = new Thread(r, "bench-io");
    t.setDaemon(true);
    return t;
  }, NioIoHandler.newFactory());
  /** Streaming clients; touched on the event loop only. */
  private final List<BenchClient> streaming = new ArrayList<>();
  /** The tick, while a client streams; touched on the event loop only. */
  private ScheduledFuture<?> ticking;

  /** Opens a WebSocket to {@code url}; completes with the channel once the handshake is done. */
  CompletableFuture<Channel> connect(String url, Map<String, String> headers, BenchClient client) {
    HttpHeaders h = new DefaultHttpHeaders();
    headers.forEach(h::add);
    WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder().webSocketUri(URI.create(url))
        .customHeaders(h).handleCloseFrames(false).handshakeTimeoutMillis(30_000).maxFramePayloadLength(1 << 20)
        .build();
    CompletableFuture<Channel> ready = new CompletableFuture<>();
    URI uri = URI.create(url);
    new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000).option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                new WebSocketClientProtocolHandler(config), new WebSocketFrameAggregator(1 << 20),
                new Inbound(client, ready));
          }
        })
        .connect(uri.getHost(), uri.getPort()).addListener(f -> {
          if (!f.isSuccess()) {
            ready.completeExceptionally(f.cause());
          }
        });
    return ready;
  }

  /** From now on, {@code client}'s frames go out on the tick; its first frame after {@code delayMs}. */
  void stream(BenchClient client, long delayMs) {
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
    group.next().execute(() -> {
      client.startStreaming(start);
      streaming.add(client);
      if (ticking == null) {
        ticking = group.next().scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
      }
    });
  }

  private void tick() {
    long now = System.nanoTime();
    streaming.removeIf(c -> c.sendDue(now));
    if (streaming.isEmpty()) {
      ticking.cancel(false); // nothing wakes the generator while it measures the idle stack
      ticking = null;
    }
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /** A client's inbound side: the handshake's end, text messages, the close code. */
  private static final class Inbound extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final BenchClient client;
    private final CompletableFuture<Channel> ready;

    Inbound(BenchClient client, CompletableFuture<Channel> ready) {
      this.client = client;
      this.ready = ready;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
        ready.complete(ctx.channel());
      } else if (event == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
        ready.completeExceptionally(new IllegalStateException("handshake timed out"));
      }
      super.userEventTriggered(ctx, event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (frame instanceof TextWebSocketFrame text) {
        try {
          client.onMessage(text.text());
        } catch (RuntimeException e) {
          // a malformed message is counted as nothing heard
        }
      } else if (frame instanceof CloseWebSocketFrame close) {
        client.closed.complete(close.statusCode());
        ctx.close();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      ready.completeExceptionally(new IllegalStateException("closed before the handshake completed"));
      client.closed.complete(-1);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ready.completeExceptionally(cause);
      ctx.close();
    }
  }
}
