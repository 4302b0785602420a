package dev.rstt.merger.query;

import dev.rstt.common.auth.InternalCredential;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The merger's internal API ({@code /internal/**}) answers only callers with the internal credential
 * ({@code Authorization: Bearer <rstt.internal.secret>}); anyone else gets 401 with no body. Health and metrics on
 * the same (internal) port need none.
 */
public final class InternalAccessFilter implements WebFilter {

  private final InternalCredential credential;

  public InternalAccessFilter(InternalCredential credential) {
    this.credential = credential;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String path = exchange.getRequest().getPath().pathWithinApplication().value();
    if ((path.equals("/internal") || path.startsWith("/internal/"))
        && !credential.accepts(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION))) {
      exchange.getResponse().setStatusCode(HttpStatus.UNAUTHORIZED);
      exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"rstt-internal\"");
      return exchange.getResponse().setComplete();
    }
    return chain.filter(exchange);
  }
}
