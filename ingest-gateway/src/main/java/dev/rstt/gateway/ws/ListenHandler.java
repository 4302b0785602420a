package dev.rstt.gateway.ws;

import com.github.f4b6a3.ulid.UlidCreator;
import dev.rstt.common.logging.SessionMdc;
import dev.rstt.gateway.GatewayMetrics;
import dev.rstt.gateway.audio.AudioCodecs;
import dev.rstt.gateway.audio.AudioDecoder;
import dev.rstt.gateway.audio.AudioFormat;
import dev.rstt.gateway.auth.AuthException;
import dev.rstt.gateway.auth.AuthUnavailableException;
import dev.rstt.gateway.auth.TokenVerifier;
import dev.rstt.gateway.config.GatewayProperties;
import dev.rstt.gateway.limits.ConnectionLimiter;
import dev.rstt.gateway.resume.ResumeAdmission;
import dev.rstt.gateway.resume.ResumeHooks;
import dev.rstt.gateway.resume.SessionResumer;
import dev.rstt.gateway.resume.SessionStart;
import dev.rstt.gateway.session.AudioPublisher;
import dev.rstt.gateway.session.GatewaySession;
import dev.rstt.gateway.session.Outbound;
import dev.rstt.gateway.session.SessionSettings;
import dev.rstt.gateway.session.SessionRegistry;
import dev.rstt.gateway.updates.AppMessages;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * {@code /v4/listen}: authenticates the upgrade, validates the audio parameters, applies the reconnect-storm
 * guard, opens a {@link GatewaySession} once Kafka acknowledged its SessionStarted, and then reads the
 * socket one frame at a time (Reactor demand of 1), so a session over its unacked-bytes cap simply stops
 * being read: TCP back-pressure instead of buffering.
 */
public final class ListenHandler implements WebSocketHandler {

  private static final Logger log = LoggerFactory.getLogger(ListenHandler.class);

  private final GatewayProperties props;
  private final TokenVerifier verifier;
  private final ConnectionLimiter limiter;
  private final SessionRegistry registry;
  private final AudioPublisher publisher;
  private final GatewayMetrics metrics;
  private final Clock clock;
  private final Scheduler timers;
  private final String gatewayId;
  private final AudioCodecs codecs;
  private final SessionSettings settings;
  private final ResumeHooks resume;

  /** A connection refused before the session started: error JSON, then the close code. */
  static final class Rejection extends RuntimeException {
    final CloseStatus status;
    final String code;
    final Duration retryAfter;

    Rejection(CloseStatus status, String code, String message, Duration retryAfter) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
      this.retryAfter = retryAfter;
    }
  }

  /** @param resume the session to resume ({@code resume=}), or null; @param resumeFrom {@code resume_from=} or null */
  record Admission(String userId, AudioFormat format, String resume, Long resumeFrom) {

    Admission(String userId, AudioFormat format) {
      this(userId, format, null, null);
    }
  }

  public ListenHandler(GatewayProperties props, TokenVerifier verifier, ConnectionLimiter limiter,
      SessionRegistry registry, AudioPublisher publisher, GatewayMetrics metrics, Clock clock, Scheduler timers,
      String gatewayId, AudioCodecs codecs) {
    this(props, verifier, limiter, registry, publisher, metrics, clock, timers, gatewayId, codecs, ResumeHooks.OFF);
  }

  /** @param resume resumable sessions (docs/CONTRACT.md section 10), or {@link ResumeHooks#OFF} */
  public ListenHandler(GatewayProperties props, TokenVerifier verifier, ConnectionLimiter limiter,
      SessionRegistry registry, AudioPublisher publisher, GatewayMetrics metrics, Clock clock, Scheduler timers,
      String gatewayId, AudioCodecs codecs, ResumeHooks resume) {
    this.resume = resume;
    this.props = props;
    this.codecs = codecs;
    this.verifier = verifier;
    this.limiter = limiter;
    this.registry = registry;
    this.publisher = publisher;
    this.metrics = metrics;
    this.clock = clock;
    this.timers = timers;
    this.gatewayId = gatewayId;
    this.settings = props.sessionSettings();
  }

  @Override
  public Mono<Void> handle(WebSocketSession ws) {
    return serve(ws, out -> Mono.fromCallable(() -> {
          String userId = authenticated(
              () -> verifier.verify(ws.getHandshakeInfo().getHeaders().getFirst(HttpHeaders.AUTHORIZATION)));
          return admission(ws, userId);
        })
        .subscribeOn(Schedulers.boundedElastic()) // a JWKS fetch may block
        .flatMap(admission -> run(ws, out, admission, ws.receive())));
  }

  /**
   * The socket's shell, shared with {@link WebListenHandler}: the outbound queue and its transport bound, then
   * {@code control} (admission and the session); a {@link Rejection} becomes its error JSON and close code, any
   * other failure a 1013 {@code internal_error}.
   */
  Mono<Void> serve(WebSocketSession ws, Function<Outbound, Mono<Void>> control) {
    Outbound out = new Outbound(props.outboundQueue(), props.outboundMaxPendingBytes());
    if (ws.getAttributes().get(ChannelCapturingUpgradeStrategy.CHANNEL) instanceof Channel channel) {
      // Reactor Netty may keep pulling frames into its own buffer while TCP is full: bound that too
      out.pendingBytes(() -> {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
      });
    }
    metrics.socketOpened();
    Mono<Void> outbound = ws.send(out.flux().map(ws::textMessage))
        .onErrorResume(e -> Mono.empty())
        .then(Mono.defer(() -> ws.isOpen() ? ws.close(out.closeStatus()) : Mono.empty()));
    Mono<Void> controlled = Mono.defer(() -> control.apply(out))
        .onErrorResume(e -> {
          refuse(out, e);
          return Mono.empty();
        });
    return Mono.when(outbound, controlled).doFinally(s -> metrics.socketClosed());
  }

  /**
   * Ends a socket that failed before or while starting its session: a {@link Rejection} with its error JSON and
   * close code, anything else with 1013 {@code internal_error}.
   */
  void refuse(Outbound out, Throwable failure) {
    if (failure instanceof Rejection r) {
      metrics.rejected(r.code);
      log.info("Refused a connection: {} ({}), closing {}", r.code, r.getMessage(), r.status.getCode());
      out.finish(r.status, AppMessages.error(r.code, r.getMessage(), r.retryAfter));
      return;
    }
    // a bug here must not look like an STT outage to the app: it may retry, never 1011
    log.error("Unexpected failure in the socket handler", failure);
    metrics.rejected("internal_error");
    out.finish(CloseStatus.SERVICE_OVERLOAD.withReason("internal error"),
        AppMessages.error("internal_error", "unexpected server error; retry later", Duration.ofSeconds(5)));
  }

  /** A token check that may refuse. */
  @FunctionalInterface
  interface Authentication {
    String userId() throws AuthException;
  }

  /**
   * The verified user id, or a 1008 refusal with the verifier's code; keys that cannot be had right now are not a bad
   * token: 1013 {@code auth_unavailable} with the retry hint.
   */
  static String authenticated(Authentication authentication) {
    try {
      return authentication.userId();
    } catch (AuthUnavailableException e) {
      throw unavailable(e);
    } catch (AuthException e) {
      throw new Rejection(CloseStatus.POLICY_VIOLATION, e.code(), e.getMessage(), null);
    }
  }

  /** 1013 {@code auth_unavailable}: the token could not be checked now (JWKS down); retry, do not log in again. */
  static Rejection unavailable(AuthUnavailableException e) {
    return new Rejection(CloseStatus.SERVICE_OVERLOAD.withReason("Auth unavailable"), e.code(), e.getMessage(),
        e.retryAfter());
  }

  /** The audio parameters of the upgrade's query, checked (1008), and the codec available here (1003). */
  Admission admission(WebSocketSession ws, String userId) {
    AudioFormat format;
    try {
      URI uri = ws.getHandshakeInfo().getUri();
      format = AudioFormat.parse(QueryParams.first(uri), QueryParams.all(uri, "keyterm"));
    } catch (AudioFormat.InvalidFormatException e) {
      throw new Rejection(CloseStatus.POLICY_VIOLATION, e.code(), e.getMessage(), null);
    }
    codecs.unavailable(format.codec()).ifPresent(reason -> {
      throw new Rejection(CloseStatus.NOT_ACCEPTABLE.withReason("codec " + format.codec().wireName() + " unavailable"),
          "codec_unavailable", "codec " + format.codec().wireName() + " is not available on this server", null);
    });
    Map<String, String> query = QueryParams.first(ws.getHandshakeInfo().getUri());
    String resumeId = query.get("resume");
    if (resumeId == null || resumeId.isBlank()) {
      return new Admission(userId, format);
    }
    if (!resume.enabled()) {
      throw resumeRefused(SessionResumer.Refused.of(ResumeAdmission.REFUSED)); // the same answer as any refusal
    }
    Long from = null;
    String fromText = query.get("resume_from");
    if (fromText != null && !fromText.isBlank()) {
      try {
        from = Long.parseLong(fromText.strip());
      } catch (NumberFormatException e) {
        from = -1L;
      }
      if (from < 0) {
        throw new Rejection(CloseStatus.POLICY_VIOLATION.withReason("invalid resume_from"), "invalid_resume_from",
            "resume_from must be a message index (0 or more)", null);
      }
    }
    return new Admission(userId, format, resumeId.strip(), from);
  }

  private static Rejection resumeRefused(SessionResumer.Refused r) {
    return new Rejection(r.status, r.code, r.getMessage(), r.retryAfter);
  }

  /**
   * The reconnect-storm guard, then the session: SessionStarted acknowledged, {@code session_started}, and the
   * read loop over {@code inbound} (the socket's messages after any the caller consumed itself).
   */
  Mono<Void> run(WebSocketSession ws, Outbound out, Admission admission, Flux<WebSocketMessage> inbound) {
    ConnectionLimiter.Decision decision = limiter.tryAcquire(admission.userId());
    if (!decision.allowed()) {
      throw new Rejection(CloseStatus.SERVICE_OVERLOAD, decision.reason(),
          "too many connections for this user; retry later", decision.retryAfter());
    }
    if (admission.resume() != null) {
      return resumed(ws, out, admission, inbound)
          .doFinally(signal -> limiter.release(admission.userId()));
    }
    out.emit(AppMessages.serviceStatus("initiating", "Service Starting", null));
    String sessionId = UlidCreator.getMonotonicUlid().toString();
    List<AudioDecoder> decoders = codecs.decoders(admission.format(), false); // one per channel (section 11)
    GatewaySession session = new GatewaySession(sessionId, admission.userId(), admission.format(), gatewayId,
        settings, publisher, metrics, out, clock, timers, decoders, resume.settings(), SessionStart.fresh());
    session.onForceClose(status -> ws.close(status).subscribe(null, e -> { }));
    registry.add(session);
    return Mono.fromFuture(session::start)
        .then(Mono.defer(() -> Mono.fromFuture(resume.held(session))))
        .timeout(props.kafkaConnectTimeout())
        .then(Mono.defer(() -> {
          try (SessionMdc mdc = SessionMdc.of(sessionId)) {
            log.info("Session started: {} {} Hz x{} {}", admission.format().codec().wireName(),
                admission.format().sampleRate(), admission.format().channels(), admission.format().language());
          }
          out.emit(resume.enabled() ? AppMessages.sessionStarted(sessionId, resume.settings().window().toSeconds())
              : AppMessages.sessionStarted(sessionId));
          out.emit(AppMessages.serviceStatus("stt_initiating", "STT Service Starting", null));
          return readLoop(inbound, session, session.attachment());
        }))
        .onErrorResume(e -> !(e instanceof Rejection), e -> {
          try (SessionMdc mdc = SessionMdc.of(sessionId)) {
            log.warn("Kafka did not acknowledge SessionStarted ({}): closing 1013",
                e instanceof TimeoutException ? "timeout " + props.kafkaConnectTimeout() : e.toString());
          }
          metrics.rejected("kafka_unavailable");
          session.abandon();
          out.finish(CloseStatus.SERVICE_OVERLOAD.withReason("kafka unavailable"),
              AppMessages.error("kafka_unavailable", "the service cannot store audio right now; retry later",
                  Duration.ofSeconds(10)));
          return Mono.empty();
        })
        .doFinally(signal -> {
          registry.socketGone(session);
          limiter.release(admission.userId());
        });
  }

  /**
   * A socket resuming a session (docs/CONTRACT.md section 10): {@code session_resumed} (the app sends from its
   * {@code frames}), the transcript so far and the latest status, then live updates and {@code audio_durable}.
   */
  private Mono<Void> resumed(WebSocketSession ws, Outbound out, Admission admission,
      Flux<WebSocketMessage> inbound) {
    SessionResumer.Request request = new SessionResumer.Request(admission.resume(), admission.userId(),
        admission.format(), admission.resumeFrom());
    return resume.resumer().resume(request, out, status -> ws.close(status).subscribe(null, e -> { }))
        .onErrorMap(SessionResumer.Refused.class, ListenHandler::resumeRefused)
        .flatMap(r -> {
          GatewaySession session = r.session();
          metrics.resumed(r.outcome());
          try (SessionMdc mdc = SessionMdc.of(session.id())) {
            log.info("Session resumed ({}): the app sends from message {}", r.outcome(), r.from());
          }
          out.emit(AppMessages.sessionResumed(session.id(), r.from(), r.throughSeconds()));
          // audio is read at once; updates and audio_durable wait (in the session) until the snapshot is sent
          Sinks.One<Boolean> gone = Sinks.one();
          Mono<Void> read = readLoop(inbound, session, r.attachment()).doFinally(s -> gone.tryEmitValue(true));
          Mono<Void> snapshot = resume.snapshots().send(session.id(), out::emit, session::snapshotSent, gone.asMono());
          return Mono.when(snapshot, read).doFinally(signal -> registry.socketGone(session));
        });
  }

  private Mono<Void> readLoop(Flux<WebSocketMessage> inbound, GatewaySession session, int attachment) {
    Duration tick = tickPeriod();
    Disposable ticker = Flux.interval(tick, tick, timers).subscribe(t -> session.tick());
    return inbound
        .concatMap(message -> onMessage(session, message, attachment), 0)
        .onErrorResume(e -> {
          try (SessionMdc mdc = SessionMdc.of(session.id())) {
            log.info("Socket read ended with {}", e.toString());
          }
          if (String.valueOf(e.getMessage()).contains("Max frame length")) {
            metrics.rejected("frame_too_large"); // Netty already closed 1009
            session.terminate("error", CloseStatus.TOO_BIG_TO_PROCESS.withReason("frame too large"));
          }
          return Mono.empty();
        })
        .then()
        .doFinally(signal -> {
          ticker.dispose();
          session.onSocketClosed(attachment);
        });
  }

  private Mono<Void> onMessage(GatewaySession session, WebSocketMessage message, int attachment) {
    session.touch();
    switch (message.getType()) {
      case BINARY -> {
        int size = message.getPayload().readableByteCount();
        if (size > props.maxFrameBytes()) {
          metrics.rejected("frame_too_large");
          session.terminate("error", CloseStatus.TOO_BIG_TO_PROCESS.withReason("frame too large"),
              AppMessages.error("frame_too_large", "a frame is limited to " + props.maxFrameBytes() + " bytes", null));
          return Mono.empty();
        }
        if (size <= 2) {
          metrics.keepalive();
          return Mono.empty();
        }
        byte[] bytes = new byte[size];
        message.getPayload().read(bytes);
        return session.onAudio(bytes, attachment);
      }
      case TEXT -> {
        session.onText(message.getPayloadAsText());
        return Mono.empty();
      }
      default -> {
        return Mono.empty();
      }
    }
  }

  private Duration tickPeriod() {
    Duration shortest = props.pingInterval().compareTo(props.idleTimeout()) < 0 ? props.pingInterval()
        : props.idleTimeout();
    long ms = Math.max(10, Math.min(1000, shortest.toMillis() / 4));
    return Duration.ofMillis(ms);
  }
}
