package dev.rstt.gateway.auth;

/**
 * A token that was not accepted; {@code code} goes to the app in the error JSON ({@code missing_token},
 * {@code expired_token}, {@code invalid_token}), or, for {@link AuthUnavailableException}, a token that could not be
 * checked right now ({@code auth_unavailable}).
 */
public class AuthException extends Exception {

  private final String code;

  public AuthException(String code, String message) {
    super(message);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
