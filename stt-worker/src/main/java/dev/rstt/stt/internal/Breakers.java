package dev.rstt.stt.internal;

import dev.rstt.common.deepgram.DeepgramFailure;
import dev.rstt.stt.config.SttProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

/** The {@code deepgram-live} breaker configuration from {@code rstt.stt.breaker.*}. */
public final class Breakers {

  public static final String NAME = "deepgram-live";

  private Breakers() {
  }

  public static CircuitBreakerConfig config(SttProperties.Breaker b) {
    return CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(b.slidingWindowSize())
        .minimumNumberOfCalls(b.minimumNumberOfCalls())
        .failureRateThreshold(b.failureRateThreshold())
        .waitDurationInOpenState(b.waitDurationInOpenState())
        .permittedNumberOfCallsInHalfOpenState(b.permittedNumberOfCallsInHalfOpenState())
        .maxWaitDurationInHalfOpenState(b.maxWaitDurationInHalfOpenState())
        .automaticTransitionFromOpenToHalfOpenEnabled(true)
        .recordException(DeepgramFailure::isBreakerFailure)
        .build();
  }
}
