package dev.rstt.stt.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DegradedEpisodeTest {

  @Test
  void shouldGoThroughItsStepsInOrder() {
    DegradedEpisode e = new DegradedEpisode(1, "stalled");
    assertThat(e.anyRerouted()).isFalse();
    assertThat(e.dueAnnouncement()).isFalse();
    assertThat(e.holdsFollowers()).as("nothing rerouted: nothing to wait for").isFalse();
    e.rerouted(3_200);
    e.rerouted(4_800);
    assertThat(e.fromSamples()).as("the first rerouted chunk").isEqualTo(3_200);
    assertThat(e.dueAnnouncement()).isTrue();
    assertThat(e.holdsFollowers()).isTrue();
    e.announced();
    assertThat(e.dueAnnouncement()).as("once per episode").isFalse();
    assertThat(e.holdsFollowers()).isTrue();
    e.acknowledged();
    assertThat(e.holdsFollowers()).isFalse();
    e.resumeSent();
    assertThat(e.resumeWasSent()).isTrue();
    assertThat(e.step()).isEqualTo(DegradedEpisode.Step.RESUME_SENT);
  }

  @Test
  void shouldRefuseASkippedStep() {
    DegradedEpisode e = new DegradedEpisode(2, "breaker_open");
    assertThatThrownBy(e::announced).isInstanceOf(IllegalStateException.class);
    e.rerouted(0);
    assertThatThrownBy(e::resumeSent).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("REROUTED -> RESUME_SENT");
    e.announced();
    assertThatThrownBy(e::announced).isInstanceOf(IllegalStateException.class);
  }
}
