package dev.rstt.tools.chaos;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.Date;

/** Development tokens (HS256, subject = user id, valid 6 h) signed with the secret the stack's gateways use. */
public final class ChaosTokens {

  private ChaosTokens() {
  }

  public static String mint(String secret, String uid) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject(uid)
          .issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + 6 * 3_600_000L)).build());
      jwt.sign(new MACSigner(secret));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException("Cannot sign a development token: " + e.getMessage(), e);
    }
  }
}
