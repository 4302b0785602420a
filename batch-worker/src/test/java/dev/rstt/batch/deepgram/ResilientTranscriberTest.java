package dev.rstt.batch.deepgram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rstt.batch.BatchProperties;
import dev.rstt.common.deepgram.DeepgramException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResilientTranscriberTest {

  private static final BatchProperties.Retry FAST = new BatchProperties.Retry(4, Duration.ofMillis(1), 2.0, 0.5,
      Duration.ofMillis(50));
  private static final BatchProperties.Breaker BREAKER = new BatchProperties.Breaker(50, 4, 4, Duration.ofSeconds(30));
  private static final ChunkRequest REQUEST = new ChunkRequest(new byte[320], 16000, 1, "en");

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private ResilientTranscriber transcriber(Transcriber delegate, CircuitBreaker breaker) {
    return new ResilientTranscriber(delegate, breaker,
        Retry.of("t", ResilientTranscriber.retryConfig(FAST)), scheduler);
  }

  /** Answers with the scripted outcomes in order, counting calls. */
  private static final class Scripted implements Transcriber {
    final Deque<Object> outcomes;
    final AtomicInteger calls = new AtomicInteger();

    Scripted(Object... outcomes) {
      this.outcomes = new ArrayDeque<>(List.of(outcomes));
    }

    @Override
    public CompletableFuture<Transcript> transcribe(ChunkRequest request) {
      calls.incrementAndGet();
      Object next = outcomes.size() > 1 ? outcomes.poll() : outcomes.peek();
      return next instanceof Throwable t ? CompletableFuture.failedFuture(t)
          : CompletableFuture.completedFuture((Transcript) next);
    }
  }

  private static DeepgramException status(int status, Duration retryAfter) {
    return new DeepgramException(status, "E", "m", null, retryAfter);
  }

  @Test
  void shouldRetryTransientFailuresUntilTheyPass() throws Exception {
    Transcript ok = new Transcript(List.of(), "r1");
    Scripted dg = new Scripted(status(503, null), new IOException("reset"), status(429, null), ok);
    Transcript result = transcriber(dg, CircuitBreaker.of("b", ResilientTranscriber.breakerConfig(
        new BatchProperties.Breaker(50, 100, 100, Duration.ofSeconds(1))))).transcribe(REQUEST)
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(result).isSameAs(ok);
    assertThat(dg.calls).hasValue(4);
  }

  @Test
  void shouldNotRetryPermanentFailures() {
    Scripted dg = new Scripted(status(401, null));
    CompletableFuture<Transcript> f = transcriber(dg, CircuitBreaker.of("b",
        ResilientTranscriber.breakerConfig(BREAKER))).transcribe(REQUEST).toCompletableFuture();
    assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(DeepgramException.class);
    assertThat(dg.calls).hasValue(1);
  }

  @Test
  void shouldGiveUpAfterMaxAttemptsAndOpenTheBreaker() {
    Scripted dg = new Scripted(status(503, null));
    CircuitBreaker breaker = CircuitBreaker.of("b", ResilientTranscriber.breakerConfig(BREAKER));
    CompletableFuture<Transcript> f = transcriber(dg, breaker).transcribe(REQUEST).toCompletableFuture();
    assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isNotNull();
    assertThat(dg.calls).hasValue(4);
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    // while open, calls are refused without reaching Deepgram
    CompletableFuture<Transcript> g = transcriber(dg, breaker).transcribe(REQUEST).toCompletableFuture();
    assertThatThrownBy(() -> g.get(5, TimeUnit.SECONDS)).isNotNull();
    assertThat(dg.calls).hasValue(4);
  }

  @Test
  void shouldHonourRetryAfterAndCapIt() {
    var interval = ResilientTranscriber.interval(new BatchProperties.Retry(4, Duration.ofMillis(100), 2.0, 0.0,
        Duration.ofSeconds(10)));
    assertThat(interval.apply(1, Either.left(status(429, Duration.ofSeconds(3))))).isEqualTo(3000L);
    assertThat(interval.apply(1, Either.left(new CompletionException(status(429, Duration.ofSeconds(4))))))
        .isEqualTo(4000L);
    assertThat(interval.apply(1, Either.left(status(429, Duration.ofMinutes(5))))).isEqualTo(10_000L);
    // without Retry-After: exponential backoff (no jitter configured here)
    assertThat(interval.apply(1, Either.left(status(503, null)))).isEqualTo(100L);
    assertThat(interval.apply(3, Either.left(status(503, null)))).isEqualTo(400L);
  }

  @Test
  void shouldJitterTheBackoffWithinBounds() {
    var interval = ResilientTranscriber.interval(new BatchProperties.Retry(4, Duration.ofMillis(1000), 2.0, 0.5,
        Duration.ofSeconds(60)));
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 200; i++) {
      long v = interval.apply(2, Either.left(status(503, null)));
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assertThat(min).isGreaterThanOrEqualTo(1000L);
    assertThat(max).isLessThanOrEqualTo(3000L);
    assertThat(max - min).isGreaterThan(100L);
  }
}
