package dev.rstt.batch.deepgram;

import dev.rstt.batch.BatchProperties;
import dev.rstt.common.concurrent.AsyncFailures;
import dev.rstt.common.deepgram.DeepgramException;
import dev.rstt.common.deepgram.DeepgramFailure;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * A {@link Transcriber} behind Resilience4j: a retry (exponential backoff with jitter, {@code Retry-After}
 * honoured, only {@link DeepgramFailure#isRetryable} failures) around the {@code deepgram-prerecorded}
 * circuit breaker (which counts only {@link DeepgramFailure#isBreakerFailure}). Waiting is done by the
 * scheduler, never by blocking a thread.
 */
public final class ResilientTranscriber implements Transcriber {

  public static final String NAME = "deepgram-prerecorded";

  private final Transcriber delegate;
  private final CircuitBreaker breaker;
  private final Retry retry;
  private final ScheduledExecutorService scheduler;

  public ResilientTranscriber(Transcriber delegate, CircuitBreaker breaker, Retry retry,
      ScheduledExecutorService scheduler) {
    this.delegate = delegate;
    this.breaker = breaker;
    this.retry = retry;
    this.scheduler = scheduler;
  }

  public static CircuitBreakerConfig breakerConfig(BatchProperties.Breaker b) {
    return CircuitBreakerConfig.custom()
        .failureRateThreshold(b.failureRateThreshold())
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(b.slidingWindowSize())
        .minimumNumberOfCalls(b.minimumNumberOfCalls())
        .waitDurationInOpenState(b.waitInOpenState())
        .permittedNumberOfCallsInHalfOpenState(1)
        .automaticTransitionFromOpenToHalfOpenEnabled(false)
        .recordException(DeepgramFailure::isBreakerFailure)
        .build();
  }

  /** The backoff before retry {@code attempt} (1-based): exponential with jitter, capped. */
  public static IntervalFunction backoff(BatchProperties.Retry r) {
    return IntervalFunction.ofExponentialRandomBackoff(r.initialBackoff(), r.multiplier(), r.jitter(), r.maxBackoff());
  }

  /** Retry-After when Deepgram sent one (capped at max-backoff), otherwise the exponential backoff. */
  public static IntervalBiFunction<Transcript> interval(BatchProperties.Retry r) {
    IntervalFunction backoff = backoff(r);
    long cap = r.maxBackoff().toMillis();
    return (attempt, outcome) -> {
      Long fromServer = retryAfterMillis(outcome);
      return fromServer != null ? Math.min(fromServer, cap) : backoff.apply(attempt);
    };
  }

  static Long retryAfterMillis(Either<Throwable, Transcript> outcome) {
    if (outcome == null || !outcome.isLeft()) {
      return null;
    }
    Throwable t = AsyncFailures.unwrap(outcome.getLeft());
    if (t instanceof DeepgramException dg) {
      return dg.retryAfter().map(Duration::toMillis).orElse(null);
    }
    return null;
  }

  public static RetryConfig retryConfig(BatchProperties.Retry r) {
    return RetryConfig.<Transcript>custom()
        .maxAttempts(r.maxAttempts())
        .intervalBiFunction(interval(r))
        .retryOnException(DeepgramFailure::isRetryable)
        .build();
  }

  public CircuitBreaker breaker() {
    return breaker;
  }

  @Override
  public CompletionStage<Transcript> transcribe(ChunkRequest request) {
    Supplier<CompletionStage<Transcript>> guarded =
        CircuitBreaker.decorateCompletionStage(breaker, () -> delegate.transcribe(request));
    return Retry.decorateCompletionStage(retry, scheduler, guarded).get();
  }
}
