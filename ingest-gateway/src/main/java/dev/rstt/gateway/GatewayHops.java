package dev.rstt.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's two hops of a word's way through the pipeline, as timers with a percentile histogram
 * ({@code rstt_hop_*_seconds_bucket} on {@code /actuator/prometheus}; the bench reads p50/p99 from them):
 * <ul>
 *   <li>{@value #AUDIO}: an audio chunk's first app frame received ({@code received_at_ms}) to Kafka's
 *       acknowledgement of the chunk on {@code audio.frames} (includes the hold of up to {@code chunk.max-delay}).
 *   <li>{@value #UPDATES}: a {@code session.updates} record's timestamp (set by the merger when it produced the
 *       update) to its frames handed to the app socket's outbound queue; so it includes the wait for the merger's
 *       transaction to commit and this instance's fetch.
 * </ul>
 * Wall-clock differences across processes (the same machine's clock in the bench); a negative one counts as 0.
 */
public final class GatewayHops {

  public static final String AUDIO = "rstt.hop.gateway.audio";
  public static final String UPDATES = "rstt.hop.gateway.updates";

  private final Timer audio;
  private final Timer updates;
  private final Clock clock;

  public GatewayHops(MeterRegistry registry) {
    this(registry, Clock.systemUTC());
  }

  GatewayHops(MeterRegistry registry, Clock clock) {
    this.clock = clock;
    this.audio = Timer.builder(AUDIO)
        .description("App audio received (first frame of a chunk) to its chunk acknowledged by Kafka")
        .publishPercentileHistogram().register(registry);
    this.updates = Timer.builder(UPDATES)
        .description("session.updates record timestamp (the merger's output time) to the update handed to the app")
        .publishPercentileHistogram().register(registry);
  }

  /** A chunk whose first frame arrived at {@code receivedAtMs} was acknowledged by Kafka now. */
  public void audioAcked(long receivedAtMs) {
    audio.record(Math.max(0, clock.millis() - receivedAtMs), TimeUnit.MILLISECONDS);
  }

  /** An update whose record has {@code recordTimestampMs} was handed to its app socket now. */
  public void updateSent(long recordTimestampMs) {
    updates.record(Math.max(0, clock.millis() - recordTimestampMs), TimeUnit.MILLISECONDS);
  }
}
