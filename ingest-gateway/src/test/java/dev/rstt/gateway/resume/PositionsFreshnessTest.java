package dev.rstt.gateway.resume;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PositionsFreshnessTest {

  private static final long STALE = 5_000;
  private static final long START = 1_000_000;

  @Test
  void notCurrentUntilReadThroughOnceThenCurrentWhileProbesKeepUp() {
    PositionsFreshness f = new PositionsFreshness(STALE, START);
    assertThat(f.state(START + 100).current()).isFalse();
    f.readThrough(START + 100, START + 300);
    assertThat(f.state(START + 300)).isEqualTo(new PositionsFreshness.State(true, Long.MIN_VALUE));
    for (long t = START + 1_100; t < START + 60_000; t += 1_000) {
      f.readThrough(t, t + 20);
    }
    assertThat(f.state(START + 60_000)).as("a minute of probes every second: never blind")
        .isEqualTo(new PositionsFreshness.State(true, Long.MIN_VALUE));
  }

  @Test
  void aBrokerStallMakesTheViewNotCurrentAndCountsAsBlindUntilItIsReadThroughAgain() {
    PositionsFreshness f = new PositionsFreshness(STALE, START);
    f.readThrough(START, START + 10);
    long stallEnd = START + 295_000;
    assertThat(f.state(START + STALE).current()).isTrue();
    assertThat(f.state(START + 100_000)).isEqualTo(new PositionsFreshness.State(false, START + 100_000));
    f.readThrough(stallEnd - 3_000, stallEnd + 50); // a probe asked in the stall, answered once it ended
    assertThat(f.state(stallEnd + 60)).isEqualTo(new PositionsFreshness.State(true, stallEnd + 50));
    assertThat(f.state(stallEnd + 60).countFrom(START - 2_000)).isEqualTo(stallEnd + 50);
    assertThat(f.state(stallEnd + 60).countFrom(stallEnd + 55)).isEqualTo(stallEnd + 55);
  }

  @Test
  void aGatewayStartingWhileTheBrokerIsAwayCountsTheTimeBeforeItsFirstReadAsBlind() {
    PositionsFreshness f = new PositionsFreshness(STALE, START);
    f.readThrough(START + 119_000, START + 120_000);
    assertThat(f.state(START + 120_000)).isEqualTo(new PositionsFreshness.State(true, START + 120_000));
  }

  @Test
  void aFailedOrSlowWriteShowsTheTopicCouldNotBeWrittenUntilItCompleted() {
    PositionsFreshness f = new PositionsFreshness(STALE, START);
    f.readThrough(START, START + 10);
    f.written(START + 1_000, START + 1_020, false);
    assertThat(f.state(START + 2_000).blindUntilMs()).as("a prompt write").isEqualTo(Long.MIN_VALUE);
    f.written(START + 1_000, START + 1_500, true);
    assertThat(f.state(START + 2_000).blindUntilMs()).isEqualTo(START + 1_500);
    f.readThrough(START + 2_000, START + 2_010);
    f.written(START + 2_000, START + 2_000 + STALE + 1, false);
    assertThat(f.state(START + 2_000 + STALE + 1).blindUntilMs()).as("acknowledged only after the broker returned")
        .isEqualTo(START + 2_000 + STALE + 1);
  }
}
