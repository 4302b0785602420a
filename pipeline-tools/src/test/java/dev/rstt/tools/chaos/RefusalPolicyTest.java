package dev.rstt.tools.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RefusalPolicyTest {

  @Test
  void onlyARefusedResumeEndsTheSession() {
    assertThat(RefusalPolicy.next(true, "session_not_resumable", 0, 0).ended()).isTrue();
    assertThat(RefusalPolicy.next(false, "session_not_resumable", 0, 0).ended())
        .as("not a resume: nothing to end").isFalse();
    for (String code : new String[] {"resume_unavailable", "kafka_unavailable", "internal_error", "invalid_resume_from",
        "session_taken_over", "too_many_connections", null}) {
      assertThat(RefusalPolicy.next(true, code, 3, 2).ended()).as(String.valueOf(code)).isFalse();
    }
  }

  @Test
  void aRetryableRefusalIsRetriedWithBackOffNeverLongerThanTenSeconds() {
    List<Long> delays = new ArrayList<>();
    for (int attempt = 0; attempt < 8; attempt++) {
      delays.add(RefusalPolicy.next(true, "resume_unavailable", attempt, 2).delayMs());
    }
    assertThat(delays).containsExactly(2_000L, 2_000L, 4_000L, 8_000L, 10_000L, 10_000L, 10_000L, 10_000L);
    assertThat(RefusalPolicy.next(false, null, 0, 0).delayMs()).as("no answer at all").isEqualTo(1_000L);
    assertThat(RefusalPolicy.next(true, "kafka_unavailable", 0, 30).delayMs())
        .as("a long retry_after is capped: the window must not be slept through").isEqualTo(10_000L);
  }
}
