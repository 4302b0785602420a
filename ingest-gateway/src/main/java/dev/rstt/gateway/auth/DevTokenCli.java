package dev.rstt.gateway.auth;

import dev.rstt.common.auth.DevTokens;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.convert.DurationStyle;

/**
 * Prints an HS256 token a gateway in development mode accepts:
 * {@code java -cp ingest-gateway-exec.jar ... dev.rstt.gateway.auth.DevTokenCli --uid alice [--secret S] [--ttl 1h]
 * [--issuer I] [--audience A]}. The secret is {@code --secret} or {@code RSTT_GATEWAY_AUTH_HS256_SECRET}; there is
 * no default ({@code ./pipeline token} passes the secret of its state directory).
 */
public final class DevTokenCli {

  private DevTokenCli() {
  }

  public static void main(String[] args) {
    String uid = null;
    String secret = System.getenv("RSTT_GATEWAY_AUTH_HS256_SECRET");
    String issuer = DevTokens.ISSUER;
    String audience = DevTokens.AUDIENCE;
    Duration ttl = Duration.ofHours(1);
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--uid" -> { uid = value; i++; }
        case "--secret" -> { secret = value; i++; }
        case "--issuer" -> { issuer = value; i++; }
        case "--audience" -> { audience = value; i++; }
        case "--ttl" -> { ttl = value == null ? null : DurationStyle.detectAndParse(value); i++; }
        default -> usage("unknown argument " + args[i]);
      }
    }
    if (uid == null || uid.isBlank() || issuer == null || audience == null || ttl == null || ttl.isNegative()
        || ttl.isZero()) {
      usage("--uid NAME is required; --issuer, --audience and --ttl need values");
    }
    if (secret == null || secret.isBlank()) {
      usage("no secret: pass --secret or set RSTT_GATEWAY_AUTH_HS256_SECRET (the gateway's development secret)");
    }
    System.out.println(DevTokens.mint(uid, secret, issuer, audience, ttl, Clock.systemUTC()));
  }

  /** An HS256 JWT with {@code sub=uid} and the default development issuer and audience. */
  public static String token(String uid, String secret, Duration ttl, Clock clock) {
    return DevTokens.mint(uid, secret, ttl, clock);
  }

  private static void usage(String problem) {
    System.err.println(problem);
    System.err.println("usage: DevTokenCli --uid NAME [--secret S] [--ttl 1h] [--issuer rstt-dev] "
        + "[--audience rstt-gateway]");
    System.exit(2);
  }
}
