package dev.rstt.merger.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The episode rules of docs/CONTRACT.md section 6.5: episodes ordered by audio offset, not by arrival. */
class EpisodesTest {

  @Test
  void shouldOpenAVisibleEpisodeOnlyWhenNoneIsOpen() {
    Episodes e = new Episodes();
    assertThat(e.degraded(1000L)).isTrue();
    assertThat(e.degraded(5000L)).as("a second episode while one is open is not a new visible one").isFalse();
    assertThat(e.openOffsets()).containsExactly(1000L, 5000L);
  }

  @Test
  void shouldLetALateRecoveryCloseOnlyTheEpisodeItBelongsTo() {
    // Flapping: episodes at 3.3 s and 6.1 s are open when the recovery of the first (live again at 5.9 s)
    // arrives after the batch worker's slow call.
    Episodes e = new Episodes();
    e.degraded(52_800L);
    e.degraded(97_600L);
    assertThat(e.recovered(94_400L, 94_400L)).isEqualTo(1);
    assertThat(e.anyOpen()).as("the newer episode waits for its own recovery").isTrue();
    assertThat(e.openOffsets()).containsExactly(97_600L);
    assertThat(e.recovered(144_000L, 144_000L)).isEqualTo(1);
    assertThat(e.anyOpen()).isFalse();
  }

  @Test
  void shouldKeepAnEpisodeThatStartsExactlyWhereTheRecoveredOneResumedOpen() {
    // The live connection resumed at S died before finalising anything: the next episode starts at S.
    Episodes e = new Episodes();
    e.degraded(100L);
    e.degraded(200L);
    assertThat(e.recovered(200L, 200L)).isEqualTo(1);
    assertThat(e.openOffsets()).containsExactly(200L);
  }

  @Test
  void shouldIgnoreARecoveryThatWasAlreadyApplied() {
    // A batch worker that restarted publishes the recovery of an episode again.
    Episodes e = new Episodes();
    e.degraded(100L);
    e.recovered(200L, 200L);
    e.degraded(300L);
    assertThat(e.recovered(200L, 200L)).as("a replayed recovery closes nothing newer").isZero();
    assertThat(e.openOffsets()).containsExactly(300L);
  }

  @Test
  void shouldTreatASecondAnnouncementAtTheSameOffsetAsTheSameEpisode() {
    Episodes e = new Episodes();
    e.degraded(100L);
    assertThat(e.degraded(100L)).isFalse();
    assertThat(e.recovered(150L, null)).isEqualTo(1);
    assertThat(e.anyOpen()).isFalse();
  }

  @Test
  void shouldCloseTheOldOwnersEpisodeOnAColdTakeOverThatResumedBeforeIt() {
    // The previous owner rerouted from 500 and died; the new owner resumed live at 400 (its committed offset
    // lagged); the batch worker had transcribed the rerouted audio up to 900.
    Episodes e = new Episodes();
    e.degraded(500L);
    assertThat(e.recovered(400L, null)).as("the resume offset alone lies before the episode").isZero();
    assertThat(e.recovered(400L, 900L)).isEqualTo(1);
    assertThat(e.anyOpen()).isFalse();
  }

  @Test
  void shouldCloseEverythingOnARecoveryOrEpisodeWithoutOffsets() {
    Episodes e = new Episodes();
    assertThat(e.degraded(null)).isTrue();
    e.degraded(700L);
    assertThat(e.openOffsets()).containsExactly(Episodes.UNKNOWN, 700L);
    assertThat(e.recovered(300L, null)).as("an episode of unknown start closes at any recovery").isEqualTo(1);
    assertThat(e.recovered(null, null)).as("a recovery without offsets closes all").isEqualTo(1);
    assertThat(e.anyOpen()).isFalse();
  }

  @Test
  void shouldCloseEveryEpisodeWhenTheBatchPathFinished() {
    Episodes e = new Episodes();
    e.degraded(100L);
    e.degraded(900L);
    assertThat(e.finished()).isEqualTo(2);
    assertThat(e.anyOpen()).isFalse();
  }

  @Test
  void shouldRestoreItsOpenEpisodes() {
    Episodes e = Episodes.restore(List.of(300L, Episodes.UNKNOWN));
    assertThat(e.openOffsets()).containsExactly(Episodes.UNKNOWN, 300L);
    assertThat(e.recovered(200L, null)).isEqualTo(1);
    assertThat(e.openOffsets()).containsExactly(300L);
  }
}
