package dev.rstt.gateway.ws;

import dev.rstt.gateway.auth.AuthException;
import dev.rstt.gateway.auth.AuthUnavailableException;
import dev.rstt.gateway.auth.TokenVerifier;
import dev.rstt.gateway.session.Outbound;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * {@code /v4/web/listen}, omi's browser variant of {@code /v4/listen}: the upgrade carries no token; the first
 * message must be {@code {"type":"auth","token":"<JWT>"}} within {@code auth-timeout}. The server answers
 * {@code {"type":"auth_response","success":...}}; after success the socket is exactly a {@code /v4/listen}
 * socket (same parameters, checks, limits, messages and close codes, through {@link ListenHandler}). A refused
 * token gets {@code auth_response false}, the same error JSON as {@code /v4/listen} and close 1008.
 *
 * <p>The socket's inbound stream is subscribed once and never cancelled: a refusal is sent through the outbound
 * (error JSON, then the close frame) while the inbound is drained until the socket closes. (Cancelling the inbound
 * would make Reactor Netty send a close frame without a status first.)
 */
public final class WebListenHandler implements WebSocketHandler {

  private final ListenHandler listen;
  private final TokenVerifier verifier;
  private final Duration authTimeout;
  private final Scheduler timers;

  public WebListenHandler(ListenHandler listen, TokenVerifier verifier, Duration authTimeout, Scheduler timers) {
    this.listen = listen;
    this.verifier = verifier;
    this.authTimeout = authTimeout;
    this.timers = timers;
  }

  @Override
  public Mono<Void> handle(WebSocketSession ws) {
    return listen.serve(ws, out -> {
      AtomicBoolean answered = new AtomicBoolean(); // the first message, or the deadline, whichever comes first
      Disposable deadline = timers.schedule(() -> {
        if (answered.compareAndSet(false, true)) {
          listen.refuse(out, new ListenHandler.Rejection(CloseStatus.POLICY_VIOLATION.withReason("Auth timeout"),
              "missing_token", "no auth message within " + authTimeout.toMillis() + " ms", null));
        }
      }, authTimeout.toMillis(), TimeUnit.MILLISECONDS);
      return ws.receive()
          .switchOnFirst((first, inbound) -> {
            Flux<WebSocketMessage> rest = inbound.skip(1);
            if (!first.hasValue()) {
              return Mono.empty(); // closed before a first message: nothing to answer
            }
            // read now: the frame's buffer is released once this signal has been handled
            WebSocketMessage message = first.get();
            String text = message.getType() == WebSocketMessage.Type.TEXT ? message.getPayloadAsText() : null;
            if (!answered.compareAndSet(false, true)) {
              return rest.then(); // too late: refused already, read nothing more until the socket closes
            }
            deadline.dispose();
            return authenticated(ws, out, text, rest).onErrorResume(e -> {
              listen.refuse(out, e);
              return rest.then();
            });
          }, false)
          .then()
          .doFinally(signal -> deadline.dispose());
    });
  }

  private Mono<Void> authenticated(WebSocketSession ws, Outbound out, String text, Flux<WebSocketMessage> rest) {
    return Mono.fromCallable(() -> {
          String userId;
          try {
            userId = verifier.verifyToken(WebAuthMessage.token(text));
          } catch (AuthUnavailableException e) {
            throw ListenHandler.unavailable(e); // not a refusal of the token: no auth_response, 1013
          } catch (AuthException e) {
            out.emit(WebAuthMessage.response(false));
            String reason = e.code().equals("missing_token") ? "Auth error" : "Invalid token"; // omi's reasons
            throw new ListenHandler.Rejection(CloseStatus.POLICY_VIOLATION.withReason(reason), e.code(),
                e.getMessage(), null);
          }
          out.emit(WebAuthMessage.response(true));
          return listen.admission(ws, userId);
        })
        .subscribeOn(Schedulers.boundedElastic()) // a JWKS fetch may block
        .flatMap(admission -> listen.run(ws, out, admission, rest));
  }
}
