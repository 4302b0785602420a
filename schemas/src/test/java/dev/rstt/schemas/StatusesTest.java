package dev.rstt.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StatusesTest {

  @Test
  void shouldGiveEveryStatusADefaultText() {
    assertThat(Statuses.all()).containsExactly("ready", "stt_degraded", "stt_recovered", "chunk_lost",
        "live_finished", "batch_finished");
    for (String status : Statuses.all()) {
      assertThat(Statuses.text(status)).as(status).isNotBlank();
    }
    assertThat(Statuses.text(Statuses.STT_RECOVERED)).isEqualTo("STT Service Restored");
  }

  @Test
  void shouldRejectAnUnknownStatus() {
    assertThatThrownBy(() -> Statuses.text("degraded")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("degraded");
  }
}
