package dev.rstt.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.rstt.gateway.config.GatewayProperties;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Set;

/**
 * Verifies {@code Authorization: Bearer <JWT>}: RS256/ES256 against a JWKS URL with issuer and audience
 * checks, or HS256 with a shared secret (development). The user id is the token's {@code sub}.
 */
public final class TokenVerifier {

  private final ConfigurableJWTProcessor<SecurityContext> processor;

  private TokenVerifier(ConfigurableJWTProcessor<SecurityContext> processor) {
    this.processor = processor;
  }

  public static TokenVerifier from(GatewayProperties.Auth auth) {
    if (auth.usesJwks()) {
      try {
        JWKSource<SecurityContext> keys = JWKSourceBuilder.create(URI.create(auth.jwksUrl()).toURL()).build();
        return jwks(keys, auth.issuer(), auth.audience(), (int) auth.clockSkew().toSeconds());
      } catch (MalformedURLException | IllegalArgumentException e) {
        throw new IllegalArgumentException("rstt.gateway.auth.jwks-url is not a URL: " + auth.jwksUrl(), e);
      }
    }
    return hs256(auth.hs256Secret(), (int) auth.clockSkew().toSeconds());
  }

  /** RS256/ES256 keys from {@code keys}; {@code iss} must equal issuer and {@code aud} contain audience. */
  public static TokenVerifier jwks(JWKSource<SecurityContext> keys, String issuer, String audience, int skewSeconds) {
    DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
    p.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), keys));
    DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(Set.of(audience),
        new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp", "iat"), null);
    claims.setMaxClockSkew(skewSeconds);
    p.setJWTClaimsSetVerifier(claims);
    return new TokenVerifier(p);
  }

  /** HS256 with a shared secret (development). */
  public static TokenVerifier hs256(String secret, int skewSeconds) {
    DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
    p.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256,
        new ImmutableSecret<>(secret.getBytes(StandardCharsets.UTF_8))));
    DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(null, null,
        Set.of("sub", "exp"), null);
    claims.setMaxClockSkew(skewSeconds);
    p.setJWTClaimsSetVerifier(claims);
    return new TokenVerifier(p);
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
    } catch (JOSEException e) {
      throw new AuthException("invalid_token", "token could not be verified");
    }
  }
}
