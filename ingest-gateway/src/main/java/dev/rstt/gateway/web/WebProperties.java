package dev.rstt.gateway.web;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The browser side of the gateway ({@code rstt.gateway.web.*}): the web page at {@code /} and its socket
 * {@code /v4/web/listen}.
 *
 * @param authTimeout how long {@code /v4/web/listen} waits for the first (auth) message before closing 1008
 * @param devTokenTtl lifetime of a token from the development token endpoint
 * @param faultApiUrl development mode only: the base URL of the Deepgram emulator as the browser reaches it
 *     (e.g. {@code http://localhost:8090}); the page's fault panel calls its {@code /__emulator/faults} (the
 *     emulator must allow the page's origin with {@code --admin-cors-origin}); blank hides the panel
 */
@Validated
@ConfigurationProperties("rstt.gateway.web")
public record WebProperties(
    @DefaultValue("5s") @NotNull @DurationMin(millis = 100) @DurationMax(seconds = 60) Duration authTimeout,
    @DefaultValue("1h") @NotNull @DurationMin(minutes = 1) @DurationMax(hours = 24) Duration devTokenTtl,
    @DefaultValue("") String faultApiUrl) {

  @AssertTrue(message = "rstt.gateway.web.fault-api-url must be an absolute http(s) URL (or blank)")
  public boolean isFaultApiUrlValid() {
    if (faultApiUrl == null || faultApiUrl.isBlank()) {
      return true;
    }
    try {
      URI uri = URI.create(faultApiUrl.strip());
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
