package dev.rstt.gateway.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.apache.kafka.common.IsolationLevel;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting of the gateway ({@code rstt.gateway.*}), typed, defaulted and validated at start.
 *
 * @param instanceId this instance's id; names its {@code session.updates} consumer group; blank = random
 * @param mergerUrl base URL of the transcript merger's internal HTTP API
 * @param stopTimeout after {@code stop}, how long to wait for {@code complete} before closing 4010 (once the audio
 *     is stored)
 * @param stopStoreTimeout after {@code stop}, how long to wait for Kafka to acknowledge the session's audio and
 *     SessionEnded before closing 1013 {@code audio_not_stored}; at least {@code stop-timeout}
 * @param idleTimeout no inbound message for this long closes the socket 1001
 * @param pingInterval period of the text frame {@code ping}
 * @param maxFrameBytes largest inbound frame; bigger closes 1009
 * @param kafkaConnectTimeout how long {@code SessionStarted} may wait for Kafka's ack before 1013
 * @param outboundQueue messages waiting for a slow-reading client before it is closed 1013
 * @param outboundMaxPendingBytes bytes written to a socket and not yet taken by TCP before it is closed 1013
 * @param updatesIsolation how {@code session.updates} is read: {@code read_uncommitted} (default) delivers an update
 *     as soon as the merger has written it, before its exactly-once transaction commits; an aborted transaction's
 *     updates come again, the same, from the replay and are dropped by revision (docs/CONTRACT.md section 7).
 *     {@code read_committed} waits for the commit
 * @param chunk audio aggregation
 * @param backpressure caps on bytes not yet acknowledged by Kafka
 * @param limits per-user, per-address and instance limits, pacing and session length
 * @param auth token verification
 * @param codecs native libraries of the LC3 and AAC decoders
 * @param resume resumable sessions (docs/CONTRACT.md section 10)
 */
@Validated
@ConfigurationProperties("rstt.gateway")
public record GatewayProperties(
    @DefaultValue("") String instanceId,
    @DefaultValue("http://localhost:8083") @NotBlank String mergerUrl,
    @DefaultValue("60s") @NotNull @DurationMin(millis = 1) Duration stopTimeout,
    @DefaultValue("10m") @NotNull @DurationMin(millis = 1) Duration stopStoreTimeout,
    @DefaultValue("90s") @NotNull @DurationMin(millis = 100) Duration idleTimeout,
    @DefaultValue("10s") @NotNull @DurationMin(millis = 10) Duration pingInterval,
    @DefaultValue("65536") @Min(1024) @Max(16777216) int maxFrameBytes,
    @DefaultValue("5s") @NotNull @DurationMin(millis = 100) Duration kafkaConnectTimeout,
    @DefaultValue("2048") @Min(16) @Max(1000000) int outboundQueue,
    @DefaultValue("1048576") @Min(65536) long outboundMaxPendingBytes,
    @DefaultValue("read_uncommitted") @NotNull IsolationLevel updatesIsolation,
    @DefaultValue @Valid Chunk chunk,
    @DefaultValue @Valid Backpressure backpressure,
    @DefaultValue @Valid Limits limits,
    @DefaultValue @Valid Auth auth,
    @DefaultValue @Valid Codecs codecs,
    @DefaultValue @Valid Resume resume) {

  /** The tunables of one session (throws at start when they contradict each other). */
  public dev.rstt.gateway.session.SessionSettings sessionSettings() {
    return new dev.rstt.gateway.session.SessionSettings(chunk.maxDuration(), chunk.maxDelay(),
        backpressure.sessionMaxUnackedBytes(), idleTimeout, pingInterval, stopTimeout, stopStoreTimeout,
        new dev.rstt.gateway.session.SessionLimits.Settings(limits.maxSpeed(), limits.paceBurst(),
            limits.maxSessionDuration(), limits.noAudioTimeout()));
  }


  /**
   * @param maxDuration audio per AudioChunk (an app frame at least this long may be one chunk by itself)
   * @param maxDelay longest time audio is held before it is published
   */
  public record Chunk(
      @DefaultValue("100ms") @NotNull @DurationMin(millis = 10) @DurationMax(seconds = 10) Duration maxDuration,
      @DefaultValue("40ms") @NotNull @DurationMin(millis = 1) @DurationMax(seconds = 10) Duration maxDelay) {
  }

  /**
   * @param sessionMaxUnackedBytes per-session bytes handed to Kafka and not yet acknowledged; at the cap the
   *     gateway stops reading that socket
   * @param globalMaxUnackedBytes the same over all sessions of this instance
   */
  public record Backpressure(
      @DefaultValue("1048576") @Min(4096) long sessionMaxUnackedBytes,
      @DefaultValue("67108864") @Min(65536) long globalMaxUnackedBytes) {
  }

  /**
   * Native decoder libraries, by name (JNA finds {@code lib<name>.so} or its highest {@code .so.N}) or by absolute
   * path. A library that cannot be loaded makes only its codec unavailable (logged at start; sockets asking for it
   * are refused with 1003 {@code codec_unavailable}).
   *
   * @param lc3Library Google's liblc3, for {@code lc3_fs1030}
   * @param aacLibrary FAAD2's libfaad, for {@code aac}
   */
  public record Codecs(
      @DefaultValue("lc3") @NotBlank String lc3Library,
      @DefaultValue("faad") @NotBlank String aacLibrary) {
  }

  /**
   * Resumable sessions (docs/CONTRACT.md section 10).
   *
   * @param window how long a session whose socket went away without {@code stop} stays resumable (sent to the app
   *     as {@code resume_window_s}); {@code 0s} switches resume off (a socket that goes away ends its session)
   * @param durableAckInterval at most one {@code audio_durable} per socket per this interval
   * @param positionInterval how often a held session's position on session.positions is rewritten when it moved
   *     (bounds how much of audio.frames a take-over after a crash scans)
   * @param lease a held session's position is rewritten at least this often (a holder that stopped writing for
   *     longer is presumed gone: its session counts as detached from its last write)
   * @param handoverTimeout how long a gateway taking a session over waits for the previous holder to drain and
   *     release it before it takes it as if that gateway had crashed (tail scan, seq moved ahead)
   */
  public record Resume(
      @DefaultValue("60s") @NotNull @DurationMin(millis = 0) @DurationMax(hours = 24) Duration window,
      @DefaultValue("250ms") @NotNull @DurationMin(millis = 10) @DurationMax(seconds = 60) Duration durableAckInterval,
      @DefaultValue("1s") @NotNull @DurationMin(millis = 50) @DurationMax(seconds = 60) Duration positionInterval,
      @DefaultValue("5s") @NotNull @DurationMin(millis = 100) @DurationMax(minutes = 10) Duration lease,
      @DefaultValue("3s") @NotNull @DurationMin(millis = 10) @DurationMax(minutes = 5) Duration handoverTimeout) {

    @AssertTrue(message = "rstt.gateway.resume: lease must be at least position-interval")
    public boolean isConsistent() {
      return lease == null || positionInterval == null || lease.compareTo(positionInterval) >= 0;
    }

    public boolean enabled() {
      return !window.isZero();
    }
  }

  /**
   * Every limit on what one app, one address or all of them together may cost this instance (README "Security").
   *
   * @param maxSessionsPerUser concurrent sockets one user may hold
   * @param connectBurst token bucket size for new connections per user
   * @param connectRefill time to refill one connection token (per user)
   * @param maxSpeed audio faster than this many times real time is not read (back-pressure), counted on decoded
   *     samples; above 4 only in development mode (fast local replays)
   * @param paceBurst audio a session may send ahead of its pace at once (e.g. a buffer flushed after a reconnect)
   * @param maxSessionDuration a session this old ends like a stop (close 4011 once its transcript is complete)
   * @param noAudioTimeout no audio frame for this long closes the socket 1001 even while keepalives arrive
   * @param maxSockets app sockets this instance holds at most; more are refused 503 before the upgrade
   * @param ipConnectBurst token bucket size for socket upgrades per client address (IPv6: per /64)
   * @param ipConnectRefill time to refill one upgrade token (per address); over it: 429 before the upgrade
   */
  public record Limits(
      @DefaultValue("5") @Min(1) @Max(10000) int maxSessionsPerUser,
      @DefaultValue("10") @Min(1) @Max(10000) int connectBurst,
      @DefaultValue("6s") @NotNull @DurationMin(millis = 1) Duration connectRefill,
      @DefaultValue("1.5") @DecimalMin("1.0") @DecimalMax("1000") double maxSpeed,
      @DefaultValue("5s") @NotNull @DurationMin(millis = 100) @DurationMax(minutes = 10) Duration paceBurst,
      @DefaultValue("12h") @NotNull @DurationMin(seconds = 1) @DurationMax(days = 7) Duration maxSessionDuration,
      @DefaultValue("10m") @NotNull @DurationMin(millis = 100) Duration noAudioTimeout,
      @DefaultValue("1000") @Min(1) @Max(1000000) int maxSockets,
      @DefaultValue("30") @Min(1) @Max(1000000) int ipConnectBurst,
      @DefaultValue("500ms") @NotNull @DurationMin(millis = 1) Duration ipConnectRefill) {

    /** The fastest pace allowed outside development mode. */
    public static final double MAX_SPEED_OUTSIDE_DEV_MODE = 4.0;
  }

  /**
   * How tokens are verified (the mode is resolved with development mode by {@code AuthMode}): a JWKS URL (RS256/ES256,
   * issuer and audience required: Firebase ID tokens work), or, <b>only in development mode</b> and only with a secret
   * set explicitly, HS256 with a shared secret. There is no built-in secret.
   *
   * @param jwksUrl JWKS endpoint, e.g. Google's securetoken keys for Firebase; https outside development mode
   * @param issuer required {@code iss} (required with a JWKS URL; HS256: {@code rstt-dev} when blank)
   * @param audience required {@code aud} (required with a JWKS URL; HS256: {@code rstt-gateway} when blank)
   * @param hs256Secret development mode only: the HS256 secret, at least 32 bytes; blank by default
   * @param clockSkew tolerated clock skew on exp/nbf
   * @param jwks the JWKS key cache
   */
  public record Auth(
      @DefaultValue("") String jwksUrl,
      @DefaultValue("") String issuer,
      @DefaultValue("") String audience,
      @DefaultValue("") String hs256Secret,
      @DefaultValue("30s") @NotNull @DurationMin(millis = 0) @DurationMax(minutes = 10) Duration clockSkew,
      @DefaultValue @Valid Jwks jwks) {

    public boolean usesJwks() {
      return jwksUrl != null && !jwksUrl.isBlank();
    }

    public boolean hasHs256Secret() {
      return hs256Secret != null && !hs256Secret.isBlank();
    }

    @AssertTrue(message = "rstt.gateway.auth: with jwks-url set, issuer and audience are required")
    public boolean isJwksComplete() {
      return !usesJwks() || (issuer != null && !issuer.isBlank() && audience != null && !audience.isBlank());
    }

    @AssertTrue(message = "rstt.gateway.auth.hs256-secret must be at least 32 bytes when set")
    public boolean isSecretLongEnough() {
      return !hasHs256Secret() || hs256Secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= 32;
    }
  }

  /**
   * The JWKS key cache (nimbus JOSE's caching {@code JWKSource}): keys are cached for {@code cacheTtl} and refreshed
   * ahead of expiry; while the JWKS URL is unreachable the last good keys keep serving for {@code outageTtl}; a
   * retrieval is tried at most twice per {@code minRefreshInterval} (so an outage is probed, not hammered). With no
   * usable keys a token cannot be checked: the app gets 1013 / HTTP 503 with {@code minRefreshInterval} as the retry
   * hint, never a bad-token answer.
   *
   * @param cacheTtl how long fetched keys are used before a refresh
   * @param outageTtl how long the last good keys keep serving while the JWKS URL fails
   * @param minRefreshInterval at most two retrievals in this interval; also the retry hint given to apps
   * @param httpTimeout connect and read timeout of one retrieval
   * @param sslBundle a Spring SSL bundle ({@code spring.ssl.bundle.*}) whose trust material verifies the JWKS host
   *     (a private CA); blank: the JVM's default trust store
   */
  public record Jwks(
      @DefaultValue("5m") @NotNull @DurationMin(seconds = 1) Duration cacheTtl,
      @DefaultValue("1h") @NotNull @DurationMin(seconds = 1) @DurationMax(hours = 48) Duration outageTtl,
      @DefaultValue("30s") @NotNull @DurationMin(millis = 100) Duration minRefreshInterval,
      @DefaultValue("2s") @NotNull @DurationMin(millis = 100) @DurationMax(seconds = 60) Duration httpTimeout,
      @DefaultValue("") String sslBundle) {

    @AssertTrue(message = "rstt.gateway.auth.jwks.min-refresh-interval must be shorter than jwks.cache-ttl")
    public boolean isRefreshShorterThanCache() {
      return minRefreshInterval == null || cacheTtl == null || minRefreshInterval.compareTo(cacheTtl) < 0;
    }
  }
}
