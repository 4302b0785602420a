package dev.rstt.stt.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Everything the STT worker can be told ({@code rstt.stt.*}), typed, defaulted and validated at start.
 *
 * @param groupId consumer group over audio.frames
 * @param pollTimeout longest a poll waits while the worker holds a session or a publish; also the latency of
 *     socket and producer events: a Deepgram final waits up to this long before its segments are sent (3 ms: the
 *     hop from final to acknowledged segments fell from 13-19 ms to 6 ms at the median, at no measurable CPU)
 * @param idlePollTimeout longest a poll waits while the worker holds no session and no publish (records end the
 *     wait as soon as they arrive; nothing else needs the loop then)
 * @param tickInterval how often timers (keepalive, finalize, stall, close, recovery) are checked
 * @param commitInterval how often done offsets are committed
 * @param stallTimeout a live socket that sends nothing this long while unfinalised audio older than this
 *     exists is dead
 * @param finalizeAfter unfinalised audio older than this triggers a Finalize (which also probes the socket)
 * @param maxUnfinalized unfinalised audio longer than this triggers a Finalize
 * @param keepaliveInterval KeepAlive after this long without audio on a socket
 * @param closeTimeout how long to wait for the close after CloseStream
 * @param recoverySpread degraded sessions return to live spread (jittered) over this time
 * @param recoveryOverlap audio before the switch point re-sent to the new live connection
 * @param reconnectDelay first retry delay of a session whose socket died while the breaker stayed closed
 * @param batchInterval announced in stt_degraded metadata batch_interval_seconds
 * @param maxBufferedBytes audio held in memory by all sessions before consumption is paused
 * @param sessionIdleTimeout a live session without audio (and without SessionEnded) this long has its socket
 *     closed and its state dropped (a gateway that died without SessionEnded); later audio is taken over cold
 * @param publishRetryBackoff a send Kafka failed is sent again (with every later one of its session, in order)
 *     after this, doubling per failed round
 * @param publishRetryMaxBackoff the longest wait between rounds of re-sends
 * @param publishStall consumption pauses while a publish has waited this long for Kafka (or one failed and is not
 *     written yet)
 * @param deepgram the live API
 * @param breaker the deepgram-live circuit breaker
 */
@Validated
@ConfigurationProperties("rstt.stt")
public record SttProperties(
    @DefaultValue("stt-worker") @NotBlank String groupId,
    @DefaultValue("3ms") @NotNull @DurationRange(min = "1ms", max = "5s") Duration pollTimeout,
    @DefaultValue("1s") @NotNull @DurationRange(min = "1ms", max = "30s") Duration idlePollTimeout,
    @DefaultValue("100ms") @NotNull @DurationRange(min = "10ms", max = "5s") Duration tickInterval,
    @DefaultValue("200ms") @NotNull @DurationRange(min = "10ms", max = "60s") Duration commitInterval,
    @DefaultValue("5s") @NotNull @DurationRange(min = "200ms", max = "10m") Duration stallTimeout,
    @DefaultValue("2s") @NotNull @DurationRange(min = "100ms", max = "10m") Duration finalizeAfter,
    @DefaultValue("10s") @NotNull @DurationRange(min = "1s", max = "10m") Duration maxUnfinalized,
    @DefaultValue("5s") @NotNull @DurationRange(min = "100ms", max = "9s") Duration keepaliveInterval,
    @DefaultValue("5s") @NotNull @DurationRange(min = "100ms", max = "5m") Duration closeTimeout,
    @DefaultValue("5s") @NotNull @DurationRange(min = "0s", max = "1h") Duration recoverySpread,
    @DefaultValue("1s") @NotNull @DurationRange(min = "300ms", max = "1m") Duration recoveryOverlap,
    @DefaultValue("2s") @NotNull @DurationRange(min = "10ms", max = "1h") Duration reconnectDelay,
    @DefaultValue("30s") @NotNull @DurationRange(min = "1s", max = "1h") Duration batchInterval,
    @DefaultValue("268435456") @Min(1048576) long maxBufferedBytes,
    @DefaultValue("32") @Min(1) @Max(10000) int maxConcurrentHandshakes,
    @DefaultValue("5m") @NotNull @DurationRange(min = "1s", max = "1d") Duration sessionIdleTimeout,
    @DefaultValue("200ms") @NotNull @DurationRange(min = "10ms", max = "1m") Duration publishRetryBackoff,
    @DefaultValue("5s") @NotNull @DurationRange(min = "100ms", max = "10m") Duration publishRetryMaxBackoff,
    @DefaultValue("5s") @NotNull @DurationRange(min = "100ms", max = "10m") Duration publishStall,
    @DefaultValue @NotNull @Valid Deepgram deepgram,
    @DefaultValue @NotNull @Valid Breaker breaker) {

  /**
   * @param baseUrl http(s) base of Deepgram or the emulator; ws(s) is derived
   * @param apiKey blank means the emulator ({@code Token emulator})
   * @param model Deepgram model
   * @param endpointing silence that finalises a result (below the 140 ms tone-word pause)
   * @param connectTimeout handshake timeout
   */
  public record Deepgram(
      @DefaultValue("http://localhost:8090") @NotBlank String baseUrl,
      @DefaultValue("") String apiKey,
      @DefaultValue("nova-3") @NotBlank String model,
      @DefaultValue("100ms") @NotNull @DurationRange(min = "10ms", max = "10s") Duration endpointing,
      @DefaultValue("5s") @NotNull @DurationRange(min = "100ms", max = "2m") Duration connectTimeout) {

    public Deepgram {
      if (baseUrl != null && !(baseUrl.startsWith("http://") || baseUrl.startsWith("https://")
          || baseUrl.startsWith("ws://") || baseUrl.startsWith("wss://"))) {
        throw new IllegalArgumentException("rstt.stt.deepgram.base-url must be an http(s) or ws(s) URL, was '"
            + baseUrl + "'");
      }
    }

    /** The key to send: blank means the emulator. */
    public String effectiveKey() {
      return apiKey == null || apiKey.isBlank() ? "emulator" : apiKey.strip();
    }
  }

  /**
   * The {@code deepgram-live} breaker: count-based, opens after {@code minimumNumberOfCalls} calls of which
   * {@code failureRateThreshold} percent failed (defaults: 3 consecutive failures).
   */
  public record Breaker(
      @DefaultValue("3") @Min(1) @Max(1000) int slidingWindowSize,
      @DefaultValue("3") @Min(1) @Max(1000) int minimumNumberOfCalls,
      @DefaultValue("100") @DecimalMin(value = "0", inclusive = false) @DecimalMax("100") float failureRateThreshold,
      @DefaultValue("30s") @NotNull @DurationRange(min = "100ms", max = "1h") Duration waitDurationInOpenState,
      @DefaultValue("1") @Min(1) @Max(100) int permittedNumberOfCallsInHalfOpenState,
      @DefaultValue("20s") @NotNull @DurationRange(min = "100ms", max = "1h") Duration maxWaitDurationInHalfOpenState) {

    public Breaker {
      if (minimumNumberOfCalls > slidingWindowSize) {
        throw new IllegalArgumentException("rstt.stt.breaker.minimum-number-of-calls (" + minimumNumberOfCalls
            + ") must not exceed rstt.stt.breaker.sliding-window-size (" + slidingWindowSize + ")");
      }
    }
  }
}
