package dev.rstt.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.schemas.Topics;
import dev.rstt.testsupport.KafkaBroker;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A service starting with {@code rstt.topics.partitions} higher than an existing topic's count creates the
 * missing topics and leaves the existing one as it is: adding partitions would move sessions mid-stream.
 */
class TopicProvisioningIT {

  @SpringBootApplication
  static class App {
  }

  private final KafkaBroker broker = KafkaBroker.shared();

  @Test
  void shouldCreateMissingTopicsAndNeverAddPartitionsToAnExistingOne() throws Exception {
    String prefix = KafkaBroker.uniquePrefix("provisioning");
    broker.createTopics(2, prefix + Topics.AUDIO_FRAMES);

    try (ConfigurableApplicationContext context = start(prefix, 4)) {
      Map<String, Integer> partitions = partitions(prefix);
      assertThat(partitions).containsEntry(prefix + Topics.AUDIO_FRAMES, 2)
          .containsEntry(prefix + Topics.AUDIO_DEGRADED, 4)
          .containsEntry(prefix + Topics.TRANSCRIPT_EVENTS, 4)
          .containsEntry(prefix + Topics.SESSION_UPDATES, 4)
          .containsEntry(prefix + Topics.AUDIO_FRAMES + "-dlt", 1)
          .hasSize(8);
    }
    // A restart with yet another count changes nothing either.
    try (ConfigurableApplicationContext context = start(prefix, 6)) {
      assertThat(partitions(prefix)).containsEntry(prefix + Topics.AUDIO_FRAMES, 2)
          .containsEntry(prefix + Topics.TRANSCRIPT_EVENTS, 4);
    }
  }

  private ConfigurableApplicationContext start(String prefix, int partitions) {
    return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).run(
        "--spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
        "--spring.kafka.admin.fail-fast=true",
        "--rstt.topics.partitions=" + partitions,
        "--rstt.topics.audio-frames=" + prefix + Topics.AUDIO_FRAMES,
        "--rstt.topics.audio-degraded=" + prefix + Topics.AUDIO_DEGRADED,
        "--rstt.topics.transcript-events=" + prefix + Topics.TRANSCRIPT_EVENTS,
        "--rstt.topics.session-updates=" + prefix + Topics.SESSION_UPDATES);
  }

  private Map<String, Integer> partitions(String prefix) throws Exception {
    try (Admin admin = broker.admin()) {
      List<String> ours = admin.listTopics().names().get().stream().filter(n -> n.startsWith(prefix)).toList();
      Map<String, TopicDescription> described = admin.describeTopics(ours).allTopicNames().get();
      return described.values().stream()
          .collect(Collectors.toMap(TopicDescription::name, d -> d.partitions().size()));
    }
  }
}
