package dev.rstt.common.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/**
 * Mints the HS256 development tokens the gateway accepts in development mode, where it runs with a shared secret
 * (the gateway's {@code DevTokenCli} and {@code POST /dev/token}, the bench and tests use this one minter). There is
 * no built-in secret: the caller passes one (./pipeline generates one per state directory, tests per run).
 */
public final class DevTokens {

  /** The {@code iss} of a development token unless the gateway is configured with another. */
  public static final String ISSUER = "rstt-dev";
  /** The {@code aud} of a development token unless the gateway is configured with another. */
  public static final String AUDIENCE = "rstt-gateway";

  private static final SecureRandom RANDOM = new SecureRandom();

  private DevTokens() {
  }

  /** An HS256 JWT with {@code sub=uid}, {@code iss=rstt-dev}, {@code aud=rstt-gateway}, {@code iat=now}, {@code exp=now+ttl}. */
  public static String mint(String uid, String secret, Duration ttl, Clock clock) {
    return mint(uid, secret, ISSUER, AUDIENCE, ttl, clock);
  }

  /** An HS256 JWT with {@code sub=uid}, the given {@code iss} and {@code aud}, {@code iat=now}, {@code exp=now+ttl}. */
  public static String mint(String uid, String secret, String issuer, String audience, Duration ttl, Clock clock) {
    Instant now = clock.instant();
    JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(uid).issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(ttl))).issuer(issuer).audience(audience).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (JOSEException e) {
      throw new IllegalArgumentException("Cannot sign: " + e.getMessage() + " (the secret needs at least 32 bytes)", e);
    }
    return jwt.serialize();
  }

  /** A fresh random secret (48 random bytes, base64url: 64 characters), as tests and tools generate per run. */
  public static String randomSecret() {
    byte[] bytes = new byte[48];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
