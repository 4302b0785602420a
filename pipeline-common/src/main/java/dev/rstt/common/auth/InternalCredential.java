package dev.rstt.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The bearer secret of internal calls: what a caller sends and what a callee accepts. The comparison takes the same
 * time whatever the presented value (both sides are hashed, then compared with {@link MessageDigest#isEqual}), so
 * neither the secret nor its length leaks through timing. Without a secret (development mode only, see
 * {@link InternalAuthProperties}) every call is accepted and none carries a header.
 */
public final class InternalCredential {

  private static final String BEARER = "Bearer ";

  private final byte[] digest;
  private final String header;

  private InternalCredential(String secret) {
    this.digest = secret == null ? null : sha256(secret);
    this.header = secret == null ? null : BEARER + secret;
  }

  /** A credential of {@code secret}; blank means none (development mode). */
  public static InternalCredential of(String secret) {
    return new InternalCredential(secret == null || secret.isBlank() ? null : secret.strip());
  }

  public boolean required() {
    return digest != null;
  }

  /** The {@code Authorization} header value a caller sends, if there is a secret. */
  public Optional<String> authorizationHeader() {
    return Optional.ofNullable(header);
  }

  /** Whether an {@code Authorization} header value (possibly null) carries the secret. */
  public boolean accepts(String authorization) {
    if (digest == null) {
      return true;
    }
    String presented = authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
        ? authorization.substring(BEARER.length()).strip() : "";
    return MessageDigest.isEqual(digest, sha256(presented));
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return digest == null ? "InternalCredential[none]" : "InternalCredential[set]";
  }
}
