package dev.rstt.gateway.config;

import dev.rstt.gateway.auth.AuthMode;
import java.util.ArrayList;
import java.util.List;

/**
 * What development mode changes, decided once at start (pure): the {@link AuthMode}, the checks that refuse a
 * development setting outside development mode (each naming its setting), and the banner that says loudly, at
 * WARN, that development mode is on.
 *
 * @param auth how tokens are verified
 * @param banner WARN lines to log at start (empty outside development mode)
 */
public record SecurityPosture(AuthMode auth, List<String> banner) {

  public static SecurityPosture resolve(GatewayProperties props, boolean devMode) {
    AuthMode auth = AuthMode.resolve(props.auth(), devMode);
    double speed = props.limits().maxSpeed();
    if (!devMode && speed > GatewayProperties.Limits.MAX_SPEED_OUTSIDE_DEV_MODE) {
      throw new AuthMode.ConfigurationException("rstt.gateway.limits.max-speed=" + speed + " is above "
          + GatewayProperties.Limits.MAX_SPEED_OUTSIDE_DEV_MODE + ": faster-than-real-time replays are for "
          + "development mode only (rstt.dev-mode=true, env RSTT_DEV_MODE); in production keep it at most "
          + GatewayProperties.Limits.MAX_SPEED_OUTSIDE_DEV_MODE + " (default 1.5)");
    }
    List<String> banner = new ArrayList<>();
    if (devMode) {
      String rule = "*".repeat(100);
      banner.add(rule);
      banner.add("*  DEVELOPMENT MODE is ON (rstt.dev-mode=true): NOT FOR PRODUCTION");
      banner.add(auth.kind() == AuthMode.Kind.HS256
          ? "*  tokens: HS256 with the shared secret in rstt.gateway.auth.hs256-secret (iss=" + auth.issuer()
              + ", aud=" + auth.audience() + "); anyone holding the secret can act as any user"
          : "*  tokens: JWKS " + auth.jwksUrl() + (auth.jwksUrl().startsWith("https:") ? "" : " over plain http"));
      banner.add("*  audio pace: up to " + speed + "x real time per session (rstt.gateway.limits.max-speed)");
      banner.add("*  production: RSTT_DEV_MODE unset, RSTT_GATEWAY_AUTH_JWKS_URL (https), _ISSUER and _AUDIENCE set");
      banner.add(rule);
    }
    return new SecurityPosture(auth, List.copyOf(banner));
  }
}
