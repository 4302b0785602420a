package dev.rstt.merger;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The merger's configuration ({@code rstt.merger.*}).
 *
 * @param applicationId Kafka Streams application.id (consumer group, transactional ids, internal topic prefix)
 * @param stateDir where the local RocksDB state lives; kept across restarts (never cleaned on a normal start)
 * @param applicationServer {@code host:port} other instances use to reach this one's transcript reads
 * @param retention a complete session's state is deleted after this much inactivity
 * @param abandonedRetention a session that never completes is deleted after this much inactivity
 * @param expiryInterval how often (wall clock) expired sessions are looked for
 * @param commitInterval Kafka Streams commit.interval.ms: with exactly-once, how long output waits for its transaction;
 *     the largest fixed cost in word latency (20 ms measured against 100 ms in BENCHMARKS.md)
 * @param streamThreads stream threads of this instance: two, so that one thread's exactly-once commit does not hold
 *     the records of the other thread's tasks (the merger's processing p99 at 200 sessions fell from 219-385 ms to
 *     88-191 ms, BENCHMARKS.md "Quiet machine")
 * @param maxThreadReplacements how many crashed stream threads are replaced within {@code replacementWindow}
 *     before the client shuts down
 * @param replacementWindow the window of {@code maxThreadReplacements}
 * @param startupTimeout how long start waits for the streams client to reach RUNNING
 * @param closeTimeout how long stop waits for the streams client to close
 * @param instanceId stable id of this instance (e.g. the pod name) for static group membership, so a restarted
 *     instance gets its tasks back at once instead of after the session timeout; blank means dynamic membership
 * @param brokerOutageTolerance how long the stream thread waits on an unreachable broker (a commit, a send)
 *     without failing: the producer's {@code max.block.ms}; Kafka Streams' {@code task.timeout.ms} is twice it.
 *     A broker outage shorter than this passes without a thread dying (README "Broker outages")
 * @param tailHorizon how much audio behind the latest audio of a session its open tail keeps (docs/CONTRACT.md
 *     section 6.8): older segments (that also precede every open degraded episode) are closed, written once to
 *     the session-history store and never read again while events are processed; a word arriving from before
 *     the open tail is compared with the tail only
 * @param idlePollTimeout how long the stream thread's poll may wait for input once two polls in a row found none
 *     (the commit of what it processed before is made by then); input ends the wait as soon as it arrives. At or
 *     below {@code poll.ms} it changes nothing. The merger's idle CPU (BENCHMARKS.md "Idle cost"); a stopping
 *     merger may wait this long for its stream thread
 */
@Validated
@ConfigurationProperties("rstt.merger")
public record MergerConfig(
    @DefaultValue("transcript-merger") @NotBlank @Pattern(regexp = "[A-Za-z0-9._-]+") String applicationId,
    @DefaultValue("/tmp/rstt-merger") @NotBlank String stateDir,
    @DefaultValue("localhost:8083") @NotBlank @Pattern(regexp = "[^:\\s]+:\\d{1,5}",
        message = "must be host:port") String applicationServer,
    @DefaultValue("1h") @NotNull @DurationMin(seconds = 1) Duration retention,
    @DefaultValue("24h") @NotNull @DurationMin(seconds = 1) Duration abandonedRetention,
    @DefaultValue("1m") @NotNull @DurationMin(millis = 100) @DurationMax(hours = 24) Duration expiryInterval,
    @DefaultValue("20ms") @NotNull @DurationMin(millis = 10) @DurationMax(minutes = 5) Duration commitInterval,
    @DefaultValue("2") @Min(1) @Max(64) int streamThreads,
    @DefaultValue("3") @Min(0) @Max(1000) int maxThreadReplacements,
    @DefaultValue("10m") @NotNull @DurationMin(seconds = 1) Duration replacementWindow,
    @DefaultValue("60s") @NotNull @DurationMin(seconds = 1) Duration startupTimeout,
    @DefaultValue("30s") @NotNull @DurationMin(seconds = 1) Duration closeTimeout,
    @DefaultValue("") @Pattern(regexp = "[A-Za-z0-9._-]*") String instanceId,
    @DefaultValue("10m") @NotNull @DurationMin(seconds = 10) @DurationMax(hours = 12) Duration brokerOutageTolerance,
    @DefaultValue("5m") @NotNull @DurationMin(seconds = 30) @DurationMax(hours = 24) Duration tailHorizon,
    @DefaultValue("1s") @NotNull @DurationMin(millis = 0) @DurationMax(seconds = 10) Duration idlePollTimeout) {

  /** Every default, for tests and tools that build a topology without Spring. */
  public static MergerConfig defaults() {
    return new MergerConfig("transcript-merger", "/tmp/rstt-merger", "localhost:8083", Duration.ofHours(1),
        Duration.ofHours(24), Duration.ofMinutes(1), Duration.ofMillis(20), 2, 3, Duration.ofMinutes(10),
        Duration.ofSeconds(60), Duration.ofSeconds(30), "", Duration.ofMinutes(10), Duration.ofMinutes(5),
        Duration.ofSeconds(1));
  }

  public MergerConfig withApplicationId(String id, String dir) {
    return new MergerConfig(id, dir, applicationServer, retention, abandonedRetention, expiryInterval,
        commitInterval, streamThreads, maxThreadReplacements, replacementWindow, startupTimeout, closeTimeout, instanceId,
        brokerOutageTolerance, tailHorizon, idlePollTimeout);
  }

  public MergerConfig withRetention(Duration finished, Duration abandoned, Duration interval) {
    return new MergerConfig(applicationId, stateDir, applicationServer, finished, abandoned, interval,
        commitInterval, streamThreads, maxThreadReplacements, replacementWindow, startupTimeout, closeTimeout, instanceId,
        brokerOutageTolerance, tailHorizon, idlePollTimeout);
  }

  public MergerConfig withInstanceId(String id) {
    return new MergerConfig(applicationId, stateDir, applicationServer, retention, abandonedRetention, expiryInterval,
        commitInterval, streamThreads, maxThreadReplacements, replacementWindow, startupTimeout, closeTimeout, id,
        brokerOutageTolerance, tailHorizon, idlePollTimeout);
  }

  public MergerConfig withTailHorizon(Duration horizon) {
    return new MergerConfig(applicationId, stateDir, applicationServer, retention, abandonedRetention, expiryInterval,
        commitInterval, streamThreads, maxThreadReplacements, replacementWindow, startupTimeout, closeTimeout, instanceId,
        brokerOutageTolerance, horizon, idlePollTimeout);
  }

  public MergerConfig withApplicationServer(String hostPort) {
    return new MergerConfig(applicationId, stateDir, hostPort, retention, abandonedRetention, expiryInterval,
        commitInterval, streamThreads, maxThreadReplacements, replacementWindow, startupTimeout, closeTimeout, instanceId,
        brokerOutageTolerance, tailHorizon, idlePollTimeout);
  }
}
