package dev.rstt.batch;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code rstt.batch.*}: how degraded audio is cut, buffered and sent to Deepgram's pre-recorded API.
 *
 * @param groupId consumer group on {@code audio.degraded}
 * @param minChunk a chunk is cut in silence only once it is at least this long (session audio time)
 * @param maxChunk a chunk never exceeds this; without silence it is cut at the quietest point before it
 * @param idleFlush a session's buffer is flushed when no audio arrived for it for this long (wall time)
 * @param maxBuffered global cap on audio held in memory (buffers and unfinished chunks); at the cap
 *     consumption pauses and the rest stays in Kafka
 * @param vadWindow energy window of the voice activity check
 * @param minSilence a silence run at least this long is a cut point
 * @param silenceRms RMS (PCM16 units) below which a window is silence
 * @param quietSearch at max-chunk, how far back to look for the quietest window
 * @param concurrency pre-recorded requests in flight while the breaker is closed (1 otherwise)
 * @param maxPollRecords max.poll.records of the consumer
 * @param sessionRetention idle sessions with nothing buffered or pending are forgotten after this
 * @param publishRetryBackoff wait before a publish Kafka refused is sent again (with every later one of the
 *     session, in order)
 * @param publishRetryMaxBackoff the wait doubles per failed round up to this
 * @param deepgram the pre-recorded endpoint
 * @param retry retry policy of one request, and of a chunk whose retries are exhausted
 * @param breaker the {@code deepgram-prerecorded} circuit breaker
 */
@Validated
@ConfigurationProperties("rstt.batch")
public record BatchProperties(
    @DefaultValue("batch-worker") @NotBlank String groupId,
    @DefaultValue("5s") @NotNull @DurationMin(millis = 100) @DurationMax(minutes = 10) Duration minChunk,
    @DefaultValue("30s") @NotNull @DurationMin(millis = 500) @DurationMax(minutes = 10) Duration maxChunk,
    @DefaultValue("10s") @NotNull @DurationMin(millis = 10) Duration idleFlush,
    @DefaultValue("64MB") @NotNull DataSize maxBuffered,
    @DefaultValue("20ms") @NotNull @DurationMin(millis = 5) @DurationMax(millis = 100) Duration vadWindow,
    @DefaultValue("100ms") @NotNull @DurationMin(millis = 10) @DurationMax(seconds = 5) Duration minSilence,
    @DefaultValue("500") @DecimalMin("0") @DecimalMax("32767") double silenceRms,
    @DefaultValue("3s") @NotNull @DurationMin(millis = 100) Duration quietSearch,
    @DefaultValue("4") @Min(1) @Max(64) int concurrency,
    @DefaultValue("100") @Min(1) @Max(5000) int maxPollRecords,
    @DefaultValue("5m") @NotNull @DurationMin(seconds = 1) Duration sessionRetention,
    @DefaultValue("200ms") @NotNull @DurationMin(millis = 1) Duration publishRetryBackoff,
    @DefaultValue("5s") @NotNull @DurationMin(millis = 1) Duration publishRetryMaxBackoff,
    @DefaultValue @Valid @NotNull Deepgram deepgram,
    @DefaultValue @Valid @NotNull Retry retry,
    @DefaultValue @Valid @NotNull Breaker breaker) {

  /** max-chunk must exceed min-chunk, and the memory cap must hold at least one max-chunk of 48 kHz audio. */
  @AssertTrue(message = "rstt.batch.max-chunk must be longer than rstt.batch.min-chunk")
  public boolean isMaxChunkAboveMinChunk() {
    return minChunk == null || maxChunk == null || maxChunk.compareTo(minChunk) > 0;
  }

  @AssertTrue(message = "rstt.batch.publish-retry-max-backoff must not be shorter than publish-retry-backoff")
  public boolean isPublishRetryMaxBackoffAboveBackoff() {
    return publishRetryBackoff == null || publishRetryMaxBackoff == null
        || publishRetryMaxBackoff.compareTo(publishRetryBackoff) >= 0;
  }

  @AssertTrue(message = "rstt.batch.max-buffered must be at least 1MB")
  public boolean isMaxBufferedLargeEnough() {
    return maxBuffered == null || maxBuffered.toBytes() >= 1024 * 1024;
  }

  /**
   * @param baseUrl Deepgram (or emulator) base URL
   * @param apiKey API key; blank means the emulator and sends {@code emulator}
   * @param model model query parameter
   * @param requestTimeout timeout of one pre-recorded request
   * @param connectTimeout TCP connect timeout
   */
  public record Deepgram(
      @DefaultValue("http://localhost:8090") @NotBlank String baseUrl,
      @DefaultValue("") String apiKey,
      @DefaultValue("nova-3") @NotBlank String model,
      @DefaultValue("60s") @NotNull @DurationMin(millis = 100) Duration requestTimeout,
      @DefaultValue("5s") @NotNull @DurationMin(millis = 100) Duration connectTimeout) {

    public String authorizationKey() {
      return apiKey == null || apiKey.isBlank() ? "emulator" : apiKey.strip();
    }
  }

  /**
   * @param maxAttempts attempts of one request (the first included) before the chunk goes back to the backlog
   * @param initialBackoff first backoff
   * @param multiplier backoff growth per attempt
   * @param jitter randomization factor of the backoff (0..1)
   * @param maxBackoff upper bound of a backoff, and of an honoured Retry-After
   */
  public record Retry(
      @DefaultValue("4") @Min(1) @Max(100) int maxAttempts,
      @DefaultValue("500ms") @NotNull @DurationMin(millis = 1) Duration initialBackoff,
      @DefaultValue("2.0") @DecimalMin("1.0") @DecimalMax("10.0") double multiplier,
      @DefaultValue("0.5") @DecimalMin("0.0") @DecimalMax("1.0") double jitter,
      @DefaultValue("30s") @NotNull @DurationMin(millis = 1) Duration maxBackoff) {
  }

  /**
   * @param failureRateThreshold percent of failed calls that opens the breaker
   * @param slidingWindowSize calls in the count-based window
   * @param minimumNumberOfCalls calls before the rate is evaluated
   * @param waitInOpenState how long the breaker stays open before letting a probe through
   */
  public record Breaker(
      @DefaultValue("50") @DecimalMin("1") @DecimalMax("100") float failureRateThreshold,
      @DefaultValue("10") @Min(1) @Max(1000) int slidingWindowSize,
      @DefaultValue("5") @Min(1) @Max(1000) int minimumNumberOfCalls,
      @DefaultValue("5s") @NotNull @DurationMin(millis = 10) Duration waitInOpenState) {
  }
}
