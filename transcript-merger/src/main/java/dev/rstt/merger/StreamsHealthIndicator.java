package dev.rstt.merger;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** UP while the streams client runs or rebalances; DOWN otherwise (e.g. after too many thread deaths). */
@Component("kafkaStreams")
public class StreamsHealthIndicator implements HealthIndicator {

  private final MergerStreams merger;

  public StreamsHealthIndicator(MergerStreams merger) {
    this.merger = merger;
  }

  @Override
  public Health health() {
    KafkaStreams streams = merger.streams();
    if (streams == null) {
      return Health.down().withDetail("state", "NOT_STARTED").build();
    }
    KafkaStreams.State state = streams.state();
    Health.Builder builder = state.isRunningOrRebalancing() ? Health.up() : Health.down();
    return builder.withDetail("state", state.name()).build();
  }
}
