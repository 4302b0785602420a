package dev.rstt.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicPlanTest {

  private static final List<TopicPlan.Wanted> WANTED = List.of(
      new TopicPlan.Wanted("audio.frames", 12), new TopicPlan.Wanted("audio.frames-dlt", 1),
      new TopicPlan.Wanted("transcript.events", 12));

  @Test
  void shouldCreateEveryTopicOnAnEmptyBroker() {
    TopicPlan plan = TopicPlan.of(WANTED, Map.of());
    assertThat(plan.create()).containsExactlyElementsOf(WANTED);
    assertThat(plan.mismatched()).isEmpty();
  }

  @Test
  void shouldNeverTouchAnExistingTopicAndReportADifferentPartitionCount() {
    TopicPlan plan = TopicPlan.of(WANTED, Map.of("audio.frames", 4, "audio.frames-dlt", 1));
    assertThat(plan.create()).containsExactly(new TopicPlan.Wanted("transcript.events", 12));
    assertThat(plan.mismatched()).containsExactly(new TopicPlan.Mismatch("audio.frames", 4, 12));
  }

  @Test
  void shouldReportFewerWantedPartitionsToo() {
    TopicPlan plan = TopicPlan.of(List.of(new TopicPlan.Wanted("audio.frames", 2)), Map.of("audio.frames", 12));
    assertThat(plan.create()).isEmpty();
    assertThat(plan.mismatched()).containsExactly(new TopicPlan.Mismatch("audio.frames", 12, 2));
  }
}
