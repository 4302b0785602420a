package dev.rstt.gateway.auth;

/** A rejected token; {@code code} goes to the app in the error JSON ({@code missing_token}, {@code expired_token}, {@code invalid_token}). */
public final class AuthException extends Exception {

  private final String code;

  public AuthException(String code, String message) {
    super(message);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
