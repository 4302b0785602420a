package dev.rstt.gateway.web;

import dev.rstt.common.auth.DevTokens;
import dev.rstt.gateway.auth.AuthMode;
import dev.rstt.gateway.config.SecurityPosture;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * {@code POST /dev/token}: a development token for a fresh user id ({@code web-xxxxxxxx}), signed with the HS256
 * secret, so the web page works on a developer's machine with no other step. It exists only when
 * {@code rstt.dev-mode=true} <b>and</b> {@code rstt.gateway.auth.hs256-secret} is set explicitly <b>and</b> no
 * JWKS URL is configured; otherwise the path is not registered at all (404). Tokens are never logged.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(DevTokenEndpoint.Enabled.class)
public class DevTokenEndpoint {

  private static final Logger log = LoggerFactory.getLogger(DevTokenEndpoint.class);
  public static final String PATH = "/dev/token";

  /** Development mode, an explicit HS256 secret, no JWKS. */
  static final class Enabled implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return enabled(Binder.get(context.getEnvironment()));
    }
  }

  static boolean enabled(Binder binder) {
    boolean devMode = binder.bind("rstt.dev-mode", Boolean.class).orElse(false);
    String secret = binder.bind("rstt.gateway.auth.hs256-secret", String.class).orElse("");
    String jwks = binder.bind("rstt.gateway.auth.jwks-url", String.class).orElse("");
    return devMode && !secret.isBlank() && jwks.isBlank();
  }

  @Bean
  public RouterFunction<ServerResponse> devTokenRoute(SecurityPosture posture, WebProperties web, Clock clock) {
    AuthMode mode = posture.auth();
    log.warn("DEVELOPMENT MODE: POST {} hands a token to anyone who can reach this port (rstt.dev-mode=true with "
        + "an HS256 secret); never enable it in production", PATH);
    return RouterFunctions.route().POST(PATH, request -> {
      String uid = "web-" + UUID.randomUUID().toString().substring(0, 8);
      String token = DevTokens.mint(uid, mode.hs256Secret(), mode.issuer(), mode.audience(), web.devTokenTtl(), clock);
      log.info("Development token issued for {}", uid);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("token", token);
      body.put("user_id", uid);
      body.put("expires_in_seconds", web.devTokenTtl().toSeconds());
      return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).cacheControl(CacheControl.noStore())
          .bodyValue(body);
    }).build();
  }
}
