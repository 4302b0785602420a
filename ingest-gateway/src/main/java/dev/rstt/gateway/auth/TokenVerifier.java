package dev.rstt.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.text.ParseException;
import java.util.Set;

/**
 * Verifies {@code Authorization: Bearer <JWT>}: RS256/ES256 against JWKS keys, or HS256 with a shared secret
 * (development mode only, see {@link AuthMode}); both check {@code iss}, {@code aud}, {@code exp} and require
 * {@code sub}, which is the user id. A token that cannot be checked because the keys are unavailable is an
 * {@link AuthUnavailableException}, not a bad token.
 */
public final class TokenVerifier {

  private final ConfigurableJWTProcessor<SecurityContext> processor;
  private final Duration unavailableRetryAfter;

  private TokenVerifier(ConfigurableJWTProcessor<SecurityContext> processor, Duration unavailableRetryAfter) {
    this.processor = processor;
    this.unavailableRetryAfter = unavailableRetryAfter;
  }

  /**
   * RS256/ES256 keys from {@code keys}; {@code iss} must equal issuer and {@code aud} contain audience.
   *
   * @param unavailableRetryAfter the retry hint when {@code keys} cannot give keys
   */
  public static TokenVerifier jwks(JWKSource<SecurityContext> keys, String issuer, String audience, int skewSeconds,
      Duration unavailableRetryAfter) {
    return new TokenVerifier(processor(new JWSVerificationKeySelector<>(
        Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), keys), issuer, audience, skewSeconds), unavailableRetryAfter);
  }

  /** HS256 with a shared secret (development mode), with the same {@code iss}/{@code aud} checks. */
  public static TokenVerifier hs256(String secret, String issuer, String audience, int skewSeconds) {
    return new TokenVerifier(processor(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256,
        new ImmutableSecret<>(secret.getBytes(StandardCharsets.UTF_8))), issuer, audience, skewSeconds),
        Duration.ofSeconds(5));
  }

  private static ConfigurableJWTProcessor<SecurityContext> processor(
      JWSVerificationKeySelector<SecurityContext> keys, String issuer, String audience, int skewSeconds) {
    DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
    p.setJWSKeySelector(keys);
    DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(Set.of(audience),
        new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp", "iat"), null);
    claims.setMaxClockSkew(skewSeconds);
    p.setJWTClaimsSetVerifier(claims);
    return p;
  }

  /**
   * @param authorizationHeader the raw header value, may be null
   * @return the verified subject (user id)
   */
  public String verify(String authorizationHeader) throws AuthException {
    if (authorizationHeader == null || authorizationHeader.isBlank()) {
      throw new AuthException("missing_token", "Authorization: Bearer <token> is required");
    }
    String[] parts = authorizationHeader.strip().split("\\s+");
    if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer")) {
      throw new AuthException("missing_token", "Authorization header must be 'Bearer <token>'");
    }
    return verifyToken(parts[1]);
  }

  /**
   * The same checks on a bare token (the browser socket sends it in its first message, not in a header).
   *
   * @return the verified subject (user id)
   * @throws AuthUnavailableException when the keys to check it are unavailable (retry later)
   * @throws AuthException when the token is missing, expired or not acceptable
   */
  public String verifyToken(String token) throws AuthException {
    if (token == null || token.isBlank()) {
      throw new AuthException("missing_token", "a token is required");
    }
    try {
      JWTClaimsSet claims = processor.process(token.strip(), null);
      String sub = claims.getSubject();
      if (sub == null || sub.isBlank()) {
        throw new AuthException("invalid_token", "token has no subject");
      }
      return sub;
    } catch (BadJWTException e) {
      String m = String.valueOf(e.getMessage());
      if (m.contains("Expired")) {
        throw new AuthException("expired_token", "token expired");
      }
      throw new AuthException("invalid_token", "token rejected: " + m);
    } catch (ParseException e) {
      throw new AuthException("invalid_token", "token is not a JWT");
    } catch (BadJOSEException e) {
      throw new AuthException("invalid_token", "token signature or claims rejected");
    } catch (KeySourceException e) {
      throw new AuthUnavailableException("the keys to check tokens are unavailable right now; retry later",
          unavailableRetryAfter);
    } catch (JOSEException e) {
      throw new AuthException("invalid_token", "token could not be verified");
    }
  }
}
