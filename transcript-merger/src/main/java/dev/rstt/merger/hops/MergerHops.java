package dev.rstt.merger.hops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The merger's hop of a word's way, in two timers with a percentile histogram ({@code rstt_hop_*_seconds_bucket}
 * on {@code /actuator/prometheus}):
 * <ul>
 *   <li>{@value #PROCESS}: a {@code transcript.events} record's timestamp (the STT or batch worker's send time) to
 *       the {@link dev.rstt.avro.SessionUpdate} it produced handed to the {@code session.updates} sink. The update
 *       is stamped with that moment (wall clock), so the gateway's hop starts where this one ends.
 *   <li>{@value #COMMIT}: that moment to the commit of the exactly-once transaction that carries the update, the
 *       point from which the gateway can read it ({@link CommitTimedProducer}).
 * </ul>
 */
public final class MergerHops {

  public static final String PROCESS = "rstt.hop.merger.process";
  public static final String COMMIT = "rstt.hop.merger.commit";

  private final Timer process;
  private final Timer commit;

  public MergerHops(MeterRegistry registry) {
    this.process = Timer.builder(PROCESS)
        .description("transcript.events record timestamp to its session update handed to the session.updates sink")
        .publishPercentileHistogram().register(registry);
    this.commit = Timer.builder(COMMIT)
        .description("Session update handed to the sink to the commit of the transaction that carries it")
        .publishPercentileHistogram().register(registry);
  }

  /** An update for an event stamped {@code eventTimestampMs} was forwarded at {@code nowMs}. */
  public void processed(long eventTimestampMs, long nowMs) {
    process.record(Math.max(0, nowMs - eventTimestampMs), TimeUnit.MILLISECONDS);
  }

  /** An update forwarded at {@code forwardedMs} became readable (its transaction committed) at {@code nowMs}. */
  public void committed(long forwardedMs, long nowMs) {
    commit.record(Math.max(0, nowMs - forwardedMs), TimeUnit.MILLISECONDS);
  }
}
