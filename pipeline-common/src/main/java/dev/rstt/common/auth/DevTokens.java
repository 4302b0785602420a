package dev.rstt.common.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * Mints the HS256 development tokens the gateway accepts when it runs with a shared secret (the gateway's
 * {@code DevTokenCli}, the bench and tests use this one minter).
 */
public final class DevTokens {

  /** The {@code iss} of every development token. */
  public static final String ISSUER = "rstt-dev";

  private DevTokens() {
  }

  /** An HS256 JWT with {@code sub=uid}, {@code iss=rstt-dev}, {@code iat=now}, {@code exp=now+ttl}. */
  public static String mint(String uid, String secret, Duration ttl, Clock clock) {
    Instant now = clock.instant();
    JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(uid).issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(ttl))).issuer(ISSUER).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (JOSEException e) {
      throw new IllegalArgumentException("Cannot sign: " + e.getMessage() + " (the secret needs at least 32 bytes)", e);
    }
    return jwt.serialize();
  }
}
