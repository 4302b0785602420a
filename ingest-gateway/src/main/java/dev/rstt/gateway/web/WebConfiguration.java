package dev.rstt.gateway.web;

import dev.rstt.gateway.auth.TokenVerifier;
import dev.rstt.gateway.ws.ListenHandler;
import dev.rstt.gateway.ws.WebListenHandler;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.server.WebFilter;
import reactor.core.scheduler.Scheduler;

/**
 * The browser side: {@code /v4/web/listen}, {@code GET /web/config} that tells the page (served from
 * {@code static/} at {@code /}) how to get a token and whether to show the development fault panel, and the
 * page's security headers.
 */
@Configuration(proxyBeanMethods = false)
public class WebConfiguration {

  private static final Logger log = LoggerFactory.getLogger(WebConfiguration.class);
  /** Served from the build's copy of {@code samples/tone-words-16k.wav} (no second copy in the repository). */
  public static final String SAMPLE_PATH = "/samples/tone-words-16k.wav";

  @Bean
  public WebListenHandler webListenHandler(ListenHandler listen, TokenVerifier verifier, WebProperties web,
      @Qualifier("gatewayTimers") Scheduler timers) {
    return new WebListenHandler(listen, verifier, web.authTimeout(), timers);
  }

  @Bean
  public HandlerMapping webListenMapping(WebListenHandler handler) {
    return new SimpleUrlHandlerMapping(Map.of("/v4/web/listen", handler), -1);
  }

  /**
   * The page's own security headers: scripts, styles and connections from this origin only (plus the emulator's
   * fault API in development mode), no framing, no referrer; so an injected script could neither load nor send a
   * token anywhere.
   */
  @Bean
  public WebFilter webPageHeaders(DevModeProperties dev, WebProperties web) {
    String faultApi = dev.devMode() && !web.faultApiUrl().isBlank() ? " " + origin(web.faultApiUrl()) : "";
    return (exchange, chain) -> {
      String path = exchange.getRequest().getPath().value();
      if (path.equals("/") || path.endsWith(".html")) {
        String host = exchange.getRequest().getHeaders().getFirst(HttpHeaders.HOST);
        String sockets = host == null ? "" : " ws://" + host + " wss://" + host;
        HttpHeaders headers = exchange.getResponse().getHeaders();
        headers.set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; media-src 'self'; connect-src 'self'" + sockets + faultApi + "; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
      }
      return chain.filter(exchange);
    };
  }

  /** {@code scheme://host[:port]} of a URL. */
  static String origin(String url) {
    URI uri = URI.create(url.strip());
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
  }

  @Bean
  public RouterFunction<ServerResponse> webConfigRoute(DevModeProperties dev, WebProperties web, Environment env) {
    boolean tokenEndpoint = DevTokenEndpoint.enabled(Binder.get(env));
    boolean faultPanel = dev.devMode() && !web.faultApiUrl().isBlank();
    if (dev.devMode()) {
      log.warn("DEVELOPMENT MODE is on (rstt.dev-mode=true): development token endpoint {}, fault panel {}",
          tokenEndpoint ? "ON" : "off (needs an explicit rstt.gateway.auth.hs256-secret and no JWKS URL)",
          faultPanel ? "ON (" + web.faultApiUrl().strip() + ")" : "off (rstt.gateway.web.fault-api-url is blank)");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("dev_mode", dev.devMode());
    body.put("dev_token_url", tokenEndpoint ? DevTokenEndpoint.PATH : null);
    body.put("fault_api_url", faultPanel ? web.faultApiUrl().strip().replaceAll("/+$", "") : null);
    body.put("sample_url", SAMPLE_PATH);
    body.put("listen_path", "/v4/web/listen");
    return RouterFunctions.route().GET("/web/config", request -> ServerResponse.ok()
        .contentType(MediaType.APPLICATION_JSON).cacheControl(CacheControl.noStore()).bodyValue(body)).build();
  }
}
