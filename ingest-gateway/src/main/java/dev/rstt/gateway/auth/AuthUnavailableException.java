package dev.rstt.gateway.auth;

import java.time.Duration;

/**
 * A token could not be checked because the keys to check it with are unavailable (the JWKS URL fails and no last
 * good keys remain). Not a bad token: the app is told to retry ({@code auth_unavailable}, close 1013 or HTTP 503
 * with {@code retry_after_seconds}), never to log in again.
 */
public final class AuthUnavailableException extends AuthException {

  public static final String CODE = "auth_unavailable";

  private final Duration retryAfter;

  public AuthUnavailableException(String message, Duration retryAfter) {
    super(CODE, message);
    this.retryAfter = retryAfter;
  }

  /** When the app should try again. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
