package dev.rstt.emulator;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * Immutable, validated settings of a {@link DeepgramEmulator}. Start from {@link #defaults()} and use the withers.
 * A bad value fails construction with a message naming the key and the value.
 *
 * @param bindAddress               address to listen on ({@code 0.0.0.0}); URLs always name 127.0.0.1
 * @param port                      TCP port (8090); 0 picks an ephemeral port
 * @param idleTimeout               Deepgram's NET-0001: a live socket with no client frame for this long gets
 *                                  Metadata and close 1011 (10 s)
 * @param apiKeys                   accepted keys/tokens; empty = any non-blank key is accepted
 * @param maxLiveConnections        concurrent live sockets; a handshake over it gets 429 (2000)
 * @param maxPrerecordedConcurrency concurrent pre-recorded requests; over it 429 (100)
 * @param maxPrerecordedBytes       largest pre-recorded body; bigger gets 413 (256 MiB)
 * @param maxFrameBytes             largest WebSocket message accepted from a client (1 MiB)
 * @param adminAccess               who may call {@code /__emulator/*}: {@link AdminAccess#LOOPBACK} (default) or
 *                                  {@link AdminAccess#ANY}
 * @param adminCorsOrigins          browser origins ({@code http://localhost:8080}) allowed to call the admin API
 *                                  cross-origin; empty (default) = no CORS
 * @param realism                   Deepgram's imperfections ({@link Realism#OFF} by default); changeable at runtime
 *                                  through {@code /__emulator/realism}
 * @param httpIdleTimeout           a connection that sends no request for this long (a half-open or silent client) is
 *                                  closed (60 s); an upgraded live socket has {@code idleTimeout} instead
 */
public record EmulatorSettings(
    String bindAddress,
    int port,
    Duration idleTimeout,
    Set<String> apiKeys,
    int maxLiveConnections,
    int maxPrerecordedConcurrency,
    long maxPrerecordedBytes,
    int maxFrameBytes,
    AdminAccess adminAccess,
    Set<String> adminCorsOrigins,
    Realism realism,
    Duration httpIdleTimeout) {

  /** Who may call the admin API ({@code /__emulator/*}); everyone may call {@code /v1/listen} and {@code /health}. */
  public enum AdminAccess {
    /**
     * Only clients connecting from a loopback address, naming a loopback host ({@code localhost}, {@code 127.x},
     * {@code [::1]}) in {@code Host} (no DNS rebinding); others get 403.
     */
    LOOPBACK,
    /** Any client that reaches the port: for a container network, where the host reaches it through a bridge. */
    ANY
  }

  public EmulatorSettings {
    require(bindAddress != null && !bindAddress.isBlank(), "bind-address", bindAddress, "must not be blank");
    require(port >= 0 && port <= 65535, "port", port, "must be 0..65535");
    require(idleTimeout != null && !idleTimeout.isNegative() && !idleTimeout.isZero(), "idle-timeout", idleTimeout,
        "must be positive");
    require(apiKeys != null, "api-keys", apiKeys, "must not be null");
    apiKeys = Set.copyOf(apiKeys);
    require(apiKeys.stream().noneMatch(String::isBlank), "api-keys", apiKeys, "must not contain blank keys");
    require(maxLiveConnections >= 1, "max-live-connections", maxLiveConnections, "must be at least 1");
    require(maxPrerecordedConcurrency >= 1, "max-prerecorded-concurrency", maxPrerecordedConcurrency,
        "must be at least 1");
    require(maxPrerecordedBytes >= 1024, "max-prerecorded-bytes", maxPrerecordedBytes, "must be at least 1024");
    require(maxFrameBytes >= 1024 && maxFrameBytes <= 64 * 1024 * 1024, "max-frame-bytes", maxFrameBytes,
        "must be 1024..67108864");
    require(adminAccess != null, "admin-access", adminAccess, "must be loopback or any");
    require(adminCorsOrigins != null, "admin-cors-origin", adminCorsOrigins, "must not be null");
    adminCorsOrigins = Set.copyOf(adminCorsOrigins.stream().map(EmulatorSettings::origin).toList());
    require(realism != null, "realism", realism, "must not be null");
    require(httpIdleTimeout != null && !httpIdleTimeout.isNegative() && !httpIdleTimeout.isZero(),
        "http-idle-timeout", httpIdleTimeout, "must be positive");
  }

  public static EmulatorSettings defaults() {
    return new EmulatorSettings("0.0.0.0", 8090, Duration.ofSeconds(10), Set.of(), 2000, 100,
        256L * 1024 * 1024, 1024 * 1024, AdminAccess.LOOPBACK, Set.of(), Realism.OFF, Duration.ofSeconds(60));
  }

  public EmulatorSettings withHttpIdleTimeout(Duration v) {
    return new EmulatorSettings(bindAddress, port, idleTimeout, apiKeys, maxLiveConnections, maxPrerecordedConcurrency, maxPrerecordedBytes, maxFrameBytes, adminAccess, adminCorsOrigins, realism, v);
  }

  public EmulatorSettings withBindAddress(String v) {
    return new EmulatorSettings(v, port, idleTimeout, apiKeys, maxLiveConnections, maxPrerecordedConcurrency, maxPrerecordedBytes, maxFrameBytes, adminAccess, adminCorsOrigins, realism, httpIdleTimeout);
  }

  public EmulatorSettings withPort(int v) {
    return new EmulatorSettings(bindAddress, v, idleTimeout, apiKeys, maxLiveConnections, maxPrerecordedConcurrency, maxPrerecordedBytes, maxFrameBytes, adminAccess, adminCorsOrigins, realism, httpIdleTimeout);
  }

  public EmulatorSettings withIdleTimeout(Duration v) {
    return new EmulatorSettings(bindAddress, port, v, apiKeys, maxLiveConnections, maxPrerecordedConcurrency, maxPrerecordedBytes, maxFrameBytes, adminAccess, adminCorsOrigins, realism, httpIdleTimeout);
  }

  public EmulatorSettings withApiKeys(Set<String> v) {
    return new EmulatorSettings(bindAddress, port, idleTimeout, v, maxLiveConnections, maxPrerecordedConcurrency, maxPrerecordedBytes, maxFrameBytes, adminAccess, adminCorsOrigins, realism, httpIdleTimeout);
  }

  public EmulatorSettings withMaxLiveConnections(int v) {
    return new EmulatorSettings(bindAddress, port, idleTimeout, apiKeys, v, maxPrerecordedConcurrency, maxPrerecordedBytes, maxFrameBytes, adminAccess, adminCorsOrigins, realism, httpIdleTimeout);
  }

  public EmulatorSettings withMaxPrerecordedConcurrency(int v) {
    return new EmulatorSettings(bindAddress, port, idleTimeout, apiKeys, maxLiveConnections, v, maxPrerecordedBytes, maxFrameBytes, adminAccess, adminCorsOrigins, realism, httpIdleTimeout);
  }

  public EmulatorSettings withMaxPrerecordedBytes(long v) {
    return new EmulatorSettings(bindAddress, port, idleTimeout, apiKeys, maxLiveConnections, maxPrerecordedConcurrency, v, maxFrameBytes, adminAccess, adminCorsOrigins, realism, httpIdleTimeout);
  }

  public EmulatorSettings withMaxFrameBytes(int v) {
    return new EmulatorSettings(bindAddress, port, idleTimeout, apiKeys, maxLiveConnections, maxPrerecordedConcurrency, maxPrerecordedBytes, v, adminAccess, adminCorsOrigins, realism, httpIdleTimeout);
  }

  public EmulatorSettings withAdminAccess(AdminAccess v) {
    return new EmulatorSettings(bindAddress, port, idleTimeout, apiKeys, maxLiveConnections, maxPrerecordedConcurrency, maxPrerecordedBytes, maxFrameBytes, v, adminCorsOrigins, realism, httpIdleTimeout);
  }

  public EmulatorSettings withAdminCorsOrigins(Set<String> v) {
    return new EmulatorSettings(bindAddress, port, idleTimeout, apiKeys, maxLiveConnections, maxPrerecordedConcurrency, maxPrerecordedBytes, maxFrameBytes, adminAccess, v, realism, httpIdleTimeout);
  }

  public EmulatorSettings withRealism(Realism v) {
    return new EmulatorSettings(bindAddress, port, idleTimeout, apiKeys, maxLiveConnections, maxPrerecordedConcurrency, maxPrerecordedBytes, maxFrameBytes, adminAccess, adminCorsOrigins, v, httpIdleTimeout);
  }

  /**
   * A browser origin as browsers send it: {@code http(s)://host[:port]}, no path, lower case. {@code *} and
   * {@code null} are refused: CORS is opened to named origins only.
   */
  static String origin(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    boolean ok;
    try {
      URI u = new URI(v);
      ok = (v.startsWith("http://") || v.startsWith("https://")) && u.getHost() != null
          && (u.getRawPath() == null || u.getRawPath().isEmpty()) && u.getRawQuery() == null
          && u.getRawFragment() == null && u.getRawUserInfo() == null;
    } catch (java.net.URISyntaxException e) {
      ok = false;
    }
    require(ok, "admin-cors-origin", value, "must be an origin such as http://localhost:8080 (scheme, host, port)");
    return v;
  }

  private static void require(boolean ok, String key, Object value, String rule) {
    if (!ok) {
      throw new IllegalArgumentException("Invalid emulator setting " + key + "=" + value + ": " + rule);
    }
  }
}
