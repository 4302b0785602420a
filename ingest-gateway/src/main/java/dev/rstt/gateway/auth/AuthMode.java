package dev.rstt.gateway.auth;

import dev.rstt.common.auth.DevTokens;
import dev.rstt.gateway.config.GatewayProperties;
import java.net.URI;

/**
 * How this gateway verifies tokens, resolved once at start from {@code rstt.gateway.auth.*} and development mode
 * ({@code rstt.dev-mode}). Pure: no I/O. The rules:
 *
 * <ul>
 *   <li>{@link Kind#JWKS} when {@code jwks-url} is set: RS256/ES256 keys from the URL, {@code iss} and {@code aud}
 *       checked; the URL must be https unless development mode is on.
 *   <li>{@link Kind#HS256} only in development mode, only with {@code hs256-secret} set explicitly (there is no
 *       built-in secret); {@code iss}/{@code aud} checked as in JWKS mode ({@code rstt-dev}/{@code rstt-gateway}
 *       unless configured).
 *   <li>Anything else refuses to start, naming the setting to change.
 * </ul>
 *
 * @param kind JWKS or HS256
 * @param jwksUrl the JWKS URL (JWKS mode)
 * @param issuer the required {@code iss}
 * @param audience the required {@code aud}
 * @param hs256Secret the shared secret (HS256 mode)
 * @param development development mode is on
 */
public record AuthMode(Kind kind, String jwksUrl, String issuer, String audience, String hs256Secret,
    boolean development) {

  /** The two ways tokens are verified. */
  public enum Kind { JWKS, HS256 }

  /** The configuration cannot be started; the message names the setting(s) to change. */
  public static final class ConfigurationException extends IllegalStateException {
    public ConfigurationException(String message) {
      super(message);
    }
  }

  static final String NO_AUTH = "No token verification is configured. Set rstt.gateway.auth.jwks-url "
      + "(env RSTT_GATEWAY_AUTH_JWKS_URL, https) with rstt.gateway.auth.issuer and rstt.gateway.auth.audience; or, on "
      + "a developer's machine only, switch on development mode by name with rstt.dev-mode=true (env RSTT_DEV_MODE) "
      + "and an HS256 secret in rstt.gateway.auth.hs256-secret (./pipeline up does both).";

  @Override
  public String toString() { // never the secret
    return "AuthMode[" + kind + (kind == Kind.JWKS ? " " + jwksUrl : "") + ", iss=" + issuer + ", aud=" + audience
        + (development ? ", development mode" : "") + "]";
  }

  public static AuthMode resolve(GatewayProperties.Auth auth, boolean development) {
    if (auth.usesJwks()) {
      String url = auth.jwksUrl().strip();
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException("rstt.gateway.auth.jwks-url is not a URL: " + url);
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
      if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
        throw new ConfigurationException("rstt.gateway.auth.jwks-url must be an absolute https URL: " + url);
      }
      if (scheme.equals("http") && !development) {
        throw new ConfigurationException("rstt.gateway.auth.jwks-url must be https outside development mode (got "
            + url + "): keys fetched over plain http can be replaced on the way. Use https, or, on a developer's "
            + "machine only, rstt.dev-mode=true (env RSTT_DEV_MODE).");
      }
      if (auth.hasHs256Secret() && !development) {
        throw hs256OutsideDevelopment();
      }
      return new AuthMode(Kind.JWKS, url, auth.issuer().strip(), auth.audience().strip(), null, development);
    }
    if (!development) {
      throw new ConfigurationException(auth.hasHs256Secret() ? hs256OutsideDevelopment().getMessage() : NO_AUTH);
    }
    if (!auth.hasHs256Secret()) {
      throw new ConfigurationException("Development mode (rstt.dev-mode=true) without rstt.gateway.auth.jwks-url "
          + "needs an HS256 secret set explicitly in rstt.gateway.auth.hs256-secret (env "
          + "RSTT_GATEWAY_AUTH_HS256_SECRET, at least 32 bytes); there is no built-in one. ./pipeline up generates one "
          + "per state directory (.pipeline/dev-secret).");
    }
    String issuer = auth.issuer().isBlank() ? DevTokens.ISSUER : auth.issuer().strip();
    String audience = auth.audience().isBlank() ? DevTokens.AUDIENCE : auth.audience().strip();
    return new AuthMode(Kind.HS256, null, issuer, audience, auth.hs256Secret(), true);
  }

  private static ConfigurationException hs256OutsideDevelopment() {
    return new ConfigurationException("rstt.gateway.auth.hs256-secret is set but development mode is off: HS256 "
        + "tokens are accepted only with rstt.dev-mode=true (env RSTT_DEV_MODE). In production remove the secret and "
        + "set rstt.gateway.auth.jwks-url, issuer and audience.");
  }
}
