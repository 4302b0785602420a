package dev.rstt.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rstt.common.auth.DevTokens;
import dev.rstt.gateway.GatewayApplication;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The real application refuses to start when the authentication mode is not explicit, with a message naming the
 * setting (no broker needed: it fails before anything connects).
 */
class AuthStartupTest {

  private static Throwable start(String... args) {
    List<String> all = new ArrayList<>(List.of("--server.port=0", "--spring.kafka.bootstrap-servers=127.0.0.1:1",
        "--rstt.topics.create=false", "--spring.main.banner-mode=off"));
    all.addAll(List.of(args));
    Throwable failure = catchThrowable(() ->
        new SpringApplicationBuilder(GatewayApplication.class).run(all.toArray(String[]::new)).close());
    assertThat(failure).as("the gateway must refuse to start").isNotNull();
    return failure;
  }

  private static String messages(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c.getMessage()).append('\n');
    }
    return sb.toString();
  }

  @Test
  void shouldRefuseToStartWithoutJwksAndWithoutDevelopmentMode() {
    String message = messages(start());
    assertThat(message).contains("rstt.gateway.auth.jwks-url").contains("rstt.dev-mode=true")
        .contains("RSTT_DEV_MODE");
  }

  @Test
  void shouldRefuseToStartInDevelopmentModeWithoutAnExplicitSecret() {
    assertThat(messages(start("--rstt.dev-mode=true"))).contains("rstt.gateway.auth.hs256-secret")
        .contains("no built-in one");
  }

  @Test
  void shouldRefuseAPlainHttpJwksOutsideDevelopmentMode() {
    assertThat(messages(start("--rstt.gateway.auth.jwks-url=http://127.0.0.1:9/keys", "--rstt.gateway.auth.issuer=i",
        "--rstt.gateway.auth.audience=a"))).contains("rstt.gateway.auth.jwks-url must be https outside development");
  }

  @Test
  void shouldRefuseAnHs256SecretOutsideDevelopmentMode() {
    assertThat(messages(start("--rstt.gateway.auth.hs256-secret=" + DevTokens.randomSecret())))
        .contains("rstt.gateway.auth.hs256-secret is set but development mode is off");
  }
}
