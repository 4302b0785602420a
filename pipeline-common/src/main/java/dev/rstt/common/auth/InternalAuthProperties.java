package dev.rstt.common.auth;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The shared credential of the services' internal HTTP calls (today: the gateway reading a transcript from the
 * merger, and one merger instance forwarding that read to another): {@code rstt.internal.secret}, environment
 * {@code RSTT_INTERNAL_SECRET}, sent as {@code Authorization: Bearer <secret>}. Required (at least 32 characters)
 * unless development mode ({@code rstt.dev-mode=true}, {@code RSTT_DEV_MODE}) is switched on, where a blank secret
 * means the internal endpoints take no credential. Checked at start: a service that needs it does not start
 * without it.
 *
 * @param devMode development mode, by name only
 * @param internal the internal credential
 */
@Validated
@ConfigurationProperties("rstt")
public record InternalAuthProperties(@DefaultValue("false") boolean devMode, @DefaultValue @Valid Internal internal) {

  public static final int MIN_SECRET_LENGTH = 32;

  /** @param secret the shared bearer secret; blank only in development mode */
  public record Internal(@DefaultValue("") String secret) {
  }

  @AssertTrue(message = "rstt.internal.secret (env RSTT_INTERNAL_SECRET) is required and must be at least "
      + MIN_SECRET_LENGTH + " characters, unless development mode is on (rstt.dev-mode=true)")
  public boolean isSecretValid() {
    String secret = internal.secret();
    return secret.isBlank() ? devMode : secret.strip().length() >= MIN_SECRET_LENGTH;
  }

  public InternalCredential credential() {
    return InternalCredential.of(internal.secret());
  }
}
