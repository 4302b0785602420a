package dev.rstt.merger.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.merger.MergerConfig;
import dev.rstt.schemas.Topics;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/** Pins every node, store and topic name, so a refactor never strands a changelog. */
class TopologyNamesTest {

  @Test
  void shouldNameEveryNodeStoreAndTopicExplicitly() {
    TopologyDescription description = MergerTopology.buildTopology(MergerConfig.defaults(), Topics.defaults())
        .describe();
    assertThat(description.subtopologies()).singleElement().satisfies(sub -> {
      TreeSet<String> names = sub.nodes().stream().map(TopologyDescription.Node::name)
          .collect(Collectors.toCollection(TreeSet::new));
      assertThat(names).containsExactly("session-merger", "session-updates-sink", "transcript-events-dlt-sink",
              "transcript-events-source");
      TopologyDescription.Processor merger = (TopologyDescription.Processor) sub.nodes().stream()
          .filter(n -> n.name().equals("session-merger")).findFirst().orElseThrow();
      assertThat(merger.stores()).containsExactlyInAnyOrder("session-transcripts", "session-expiry", "session-history");
      TopologyDescription.Source source = (TopologyDescription.Source) sub.nodes().stream()
          .filter(n -> n instanceof TopologyDescription.Source).findFirst().orElseThrow();
      assertThat(source.topicSet()).containsExactly("transcript.events");
      assertThat(sub.nodes().stream().filter(n -> n instanceof TopologyDescription.Sink)
          .map(n -> ((TopologyDescription.Sink) n).topic()))
          .containsExactlyInAnyOrder("session.updates", "transcript.events-dlt");
    });
    assertThat(description.globalStores()).isEmpty();
  }

  @Test
  void shouldRunExactlyOnceWithExplicitNamingAndTheConfiguredReplication() {
    Properties one = MergerStreamsProperties.build(MergerConfig.defaults(), Map.of("bootstrap.servers", "broker:9092"), (short) 1);
    assertThat(one).containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2")
        .containsEntry(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true)
        .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1)
        .containsEntry("topic.min.insync.replicas", "1")
        .containsEntry(StreamsConfig.APPLICATION_SERVER_CONFIG, "localhost:8083");
    Properties three = MergerStreamsProperties.build(MergerConfig.defaults(), Map.of(), (short) 3);
    assertThat(three).containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 3)
        .containsEntry("topic.min.insync.replicas", "2");
    new StreamsConfig(one); // every value is valid
  }

  @Test
  void outputBecomesVisibleWithinTheCommitInterval() {
    Properties p = MergerStreamsProperties.build(MergerConfig.defaults(), Map.of(), (short) 1);
    assertThat(p).containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 20L)
        .containsEntry(StreamsConfig.POLL_MS_CONFIG, 20L)
        .containsEntry("producer.linger.ms", 5);
    Properties tuned = MergerStreamsProperties.build(MergerConfig.defaults(), Map.of("producer.linger.ms", "50"),
        (short) 1);
    assertThat(tuned).containsEntry("producer.linger.ms", "50"); // spring.kafka.streams.properties wins
  }
}
