package dev.rstt.merger.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.merger.MergerConfig;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class MergerStreamsPropertiesTest {

  @Test
  void shouldRideOutABrokerOutageOfTheToleranceWithoutTimingOut() {
    Properties p = MergerStreamsProperties.build(MergerConfig.defaults(),
        Map.of("bootstrap.servers", "localhost:9092", "producer.delivery.timeout.ms", "30000"), (short) 1);
    assertThat(p.get("producer.delivery.timeout.ms")).as("a send never expires, whatever spring.kafka says")
        .isEqualTo(Integer.MAX_VALUE);
    assertThat(p.get("producer.max.block.ms")).as("a blocked commit waits out 10 minutes").isEqualTo(600_000L);
    assertThat(p.get(StreamsConfig.TASK_TIMEOUT_MS_CONFIG)).isEqualTo(1_200_000L);
    assertThat(new StreamsConfig(p).getLong(StreamsConfig.TASK_TIMEOUT_MS_CONFIG)).isEqualTo(1_200_000L);
    assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
  }
}
