package dev.rstt.stt.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrerollTest {

  record Run(long start, long end) implements Preroll.Span {
  }

  @Test
  void shouldTakeTheRetainedAudioOfTheLastOverlapEndingAtTheSwitch() {
    List<Run> retained = List.of(new Run(0, 100), new Run(100, 200), new Run(200, 300), new Run(300, 400));
    assertThat(Preroll.select(retained, 400, 200)).containsExactly(new Run(200, 300), new Run(300, 400));
    assertThat(Preroll.select(retained, 400, 201)).as("a chunk ending inside the window counts").hasSize(3);
    assertThat(Preroll.select(retained, 400, 1_000)).hasSize(4);
  }

  @Test
  void shouldStopAtAGapSoThePrerollIsContiguousWithTheSwitch() {
    List<Run> retained = List.of(new Run(0, 100), new Run(150, 250), new Run(250, 350));
    assertThat(Preroll.select(retained, 350, 1_000)).containsExactly(new Run(150, 250), new Run(250, 350));
  }

  @Test
  void shouldBeEmptyWhenTheRetainedAudioDoesNotReachTheSwitch() {
    List<Run> retained = List.of(new Run(0, 100), new Run(100, 200));
    assertThat(Preroll.select(retained, 300, 1_000)).isEmpty();
    assertThat(Preroll.select(List.<Run>of(), 300, 1_000)).isEmpty();
  }

  @Test
  void shouldRetainASecondMoreThanTheOverlap() {
    assertThat(Preroll.retainAfter(100_000, 16_000, 16_000)).isEqualTo(68_000);
  }
}
