package dev.rstt.emulator.internal;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * {@code GET /v1/listen}: the handshake checks (auth 401, injected handshake fault, query 400, concurrency 429) as
 * plain HTTP answers with Deepgram's error body, then the upgrade to a {@link LiveSession}.
 */
public final class LiveEndpoint {

  private static final Logger log = LoggerFactory.getLogger(LiveEndpoint.class);

  private final EmulatorState state;
  private final WebsocketServerSpec plainSpec;

  public LiveEndpoint(EmulatorState state) {
    this.state = state;
    this.plainSpec = spec(null);
  }

  private WebsocketServerSpec spec(String protocol) {
    WebsocketServerSpec.Builder b = WebsocketServerSpec.builder().maxFramePayloadLength(state.settings().maxFrameBytes());
    return protocol == null ? b.build() : b.protocols(protocol).build();
  }

  /**
   * The subprotocol to echo: {@code token} or {@code bearer} when offered (any case), else the first one offered.
   * Reactor Netty only runs the handler when a configured protocol was selected, so the spec names exactly it.
   */
  private WebsocketServerSpec specFor(HttpServerRequest req) {
    String offered = req.requestHeaders().get("sec-websocket-protocol");
    if (offered == null || offered.isBlank()) {
      return plainSpec;
    }
    String first = null;
    for (String p : offered.split(",")) {
      String t = p.trim();
      if (t.equalsIgnoreCase("token") || t.equalsIgnoreCase("bearer")) {
        return spec(t);
      }
      if (first == null && !t.isEmpty()) {
        first = t;
      }
    }
    return first == null ? plainSpec : spec(first);
  }

  public Publisher<Void> handle(HttpServerRequest req, HttpServerResponse res) {
    String requestId = UUID.randomUUID().toString();
    if (!req.requestHeaders().containsValue("upgrade", "websocket", true)) {
      return Http.error(res, DgError.badRequest("Expected a WebSocket upgrade on GET /v1/listen."), requestId);
    }
    String key = Http.authorizationKey(req);
    if (key == null) {
      key = Http.subprotocolKey(req);
    }
    if (!state.authorized(key)) {
      return refuse(res, DgError.forStatus(401), requestId);
    }
    Faults faults = state.faults().forQuery(new QueryStringDecoder(req.uri()).parameters());
    Integer faultStatus = faults.handshakeStatus();
    if (faultStatus != null) {
      state.stats().faultApplied("live_handshake_" + faultStatus);
      state.stats().liveRefused.incrementAndGet();
      log.debug("Live handshake refused by injected fault with {}", faultStatus);
      return Http.error(res, DgError.forStatus(faultStatus), requestId, faults.handshakeRetryAfter());
    }
    ListenParams params;
    try {
      params = ListenParams.parse(req.uri());
    } catch (BadRequestException e) {
      state.record("live", req.uri(), 400);
      return refuse(res, e.error(), requestId);
    }
    state.record("live", req.uri(), 101);
    if (!state.stats().tryOpenLive(state.settings().maxLiveConnections())) {
      return refuse(res, DgError.forStatus(429), requestId);
    }
    AtomicReference<Channel> channelRef = new AtomicReference<>();
    res.withConnection(c -> {
      channelRef.set(c.channel());
      c.channel().closeFuture().addListener(f -> state.stats().liveOpen.decrementAndGet());
    });
    res.header("dg-request-id", requestId);
    return res.sendWebsocket((in, out) -> {
      LiveSession session = new LiveSession(channelRef.get(), out, params, requestId, state);
      session.start();
      return in.aggregateFrames(state.settings().maxFrameBytes())
          .receiveFrames()
          .doOnNext((WebSocketFrame f) -> session.onFrame(f))
          .doOnError(e -> log.warn("Live socket failed: {}", e.toString()))
          .onErrorResume(e -> Mono.empty())
          .then();
    }, specFor(req));
  }

  private Publisher<Void> refuse(HttpServerResponse res, DgError error, String requestId) {
    state.stats().liveRefused.incrementAndGet();
    log.debug("Live handshake refused with {} ({})", error.status(), error.errCode());
    return Http.error(res, error, requestId);
  }
}
