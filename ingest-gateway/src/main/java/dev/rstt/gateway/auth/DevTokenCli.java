package dev.rstt.gateway.auth;

import dev.rstt.common.auth.DevTokens;
import dev.rstt.gateway.config.GatewayProperties;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.convert.DurationStyle;

/**
 * Prints an HS256 token the gateway accepts in development:
 * {@code java -cp ingest-gateway-exec.jar ... dev.rstt.gateway.auth.DevTokenCli --uid alice [--secret S] [--ttl 1h]}.
 * The secret defaults to {@code RSTT_GATEWAY_AUTH_HS256_SECRET} or the documented dev secret.
 */
public final class DevTokenCli {

  private DevTokenCli() {
  }

  public static void main(String[] args) {
    String uid = null;
    String secret = System.getenv().getOrDefault("RSTT_GATEWAY_AUTH_HS256_SECRET", GatewayProperties.Auth.DEV_SECRET);
    Duration ttl = Duration.ofHours(1);
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--uid" -> { uid = value; i++; }
        case "--secret" -> { secret = value; i++; }
        case "--ttl" -> { ttl = value == null ? null : DurationStyle.detectAndParse(value); i++; }
        default -> usage("unknown argument " + args[i]);
      }
    }
    if (uid == null || uid.isBlank() || secret == null || ttl == null || ttl.isNegative() || ttl.isZero()) {
      usage("--uid NAME is required; --secret and --ttl need values");
    }
    System.out.println(token(uid, secret, ttl, Clock.systemUTC()));
  }

  /** An HS256 JWT with {@code sub=uid}, {@code iss=rstt-dev}, {@code iat=now}, {@code exp=now+ttl}. */
  public static String token(String uid, String secret, Duration ttl, Clock clock) {
    return DevTokens.mint(uid, secret, ttl, clock);
  }

  private static void usage(String problem) {
    System.err.println(problem);
    System.err.println("usage: DevTokenCli --uid NAME [--secret S] [--ttl 1h]");
    System.exit(2);
  }
}
