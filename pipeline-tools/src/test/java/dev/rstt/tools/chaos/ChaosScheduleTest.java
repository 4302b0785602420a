package dev.rstt.tools.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChaosScheduleTest {

  private static final long TEN_MINUTES = 600_000;

  private static ChaosSchedule.Options all(long runMs) {
    return ChaosSchedule.Options.of(runMs, 2, true, 3);
  }

  @Test
  void shouldDrawTheSameScheduleFromTheSameSeed() {
    ChaosSchedule a = ChaosSchedule.generate(42, all(TEN_MINUTES));
    ChaosSchedule b = ChaosSchedule.generate(42, all(TEN_MINUTES));
    ChaosSchedule c = ChaosSchedule.generate(43, all(TEN_MINUTES));
    assertThat(a.events()).isEqualTo(b.events()).isNotEmpty();
    assertThat(c.events()).isNotEqualTo(a.events());
  }

  @Test
  void shouldInjectEveryKindAtLeastOnceInATenMinuteRun() {
    for (long seed = 1; seed <= 30; seed++) {
      ChaosSchedule s = ChaosSchedule.generate(seed, all(TEN_MINUTES));
      assertThat(s.unplaced()).as("seed %d", seed).isEmpty();
      assertThat(s.events().stream().map(FaultEvent::kind).distinct())
          .as("seed %d", seed).containsExactlyInAnyOrder(FaultKind.values());
    }
  }

  @Test
  void shouldFitEveryKindIntoAShortCiRun() {
    for (boolean brokerStall : new boolean[] {false, true}) {
      ChaosSchedule.Options ci = ChaosSchedule.Options.of(150_000, 2, brokerStall, 4);
      for (long seed = 1; seed <= 30; seed++) {
        ChaosSchedule s = ChaosSchedule.generate(seed, ci);
        assertThat(s.unplaced()).as("seed %d", seed).isEmpty();
        assertThat(s.events()).allSatisfy(e -> assertThat(e.durationMs()).isLessThanOrEqualTo(
            e.kind() == FaultKind.BROKER_STALL ? 67_500 : 30_000));
      }
    }
  }

  @Test
  void shouldKeepSlotsExclusiveAndTheNumberActiveBounded() {
    for (long seed = 1; seed <= 50; seed++) {
      for (int maxActive : new int[] {1, 2, 3, 5}) {
        ChaosSchedule.Options o = ChaosSchedule.Options.of(TEN_MINUTES, 2, true, maxActive);
        List<FaultEvent> events = ChaosSchedule.generate(seed, o).events();
        for (long t = 0; t < TEN_MINUTES; t += 100) {
          long at = t;
          List<FaultEvent> active = events.stream().filter(e -> e.atMs() <= at && at < e.occupiedUntilMs()).toList();
          assertThat(active.stream().filter(e -> !e.kind().appSide()).count()).as("seed %d at %d ms", seed, t)
              .isLessThanOrEqualTo(maxActive);
          assertThat(active.stream().map(e -> e.kind().slot()).distinct().count())
              .as("one fault per slot, seed %d at %d ms", seed, t).isEqualTo(active.size());
        }
      }
    }
  }

  @Test
  void shouldDropAppSocketsAboutEveryTenSecondsOnTopOfTheOtherFaults() {
    for (long seed = 1; seed <= 10; seed++) {
      List<FaultEvent> events = ChaosSchedule.generate(seed, all(TEN_MINUTES)).events();
      assertThat(events.stream().filter(e -> e.kind() == FaultKind.SOCKET_DROP).count()).as("seed %d", seed)
          .isBetween(50L, 75L); // on top of the one per kind and the random draws
      assertThat(events.stream().filter(e -> !e.kind().appSide()).count()).as("the stack's faults, seed %d", seed)
          .isGreaterThanOrEqualTo(TEN_MINUTES / 20_000); // not crowded out: they need no room among them
    }
  }

  @Test
  void shouldOverlapFaults() {
    int overlapping = 0;
    for (long seed = 1; seed <= 20; seed++) {
      if (ChaosSchedule.generate(seed, all(TEN_MINUTES)).maxConcurrent() >= 2) {
        overlapping++;
      }
    }
    assertThat(overlapping).isGreaterThanOrEqualTo(18);
  }

  @Test
  void shouldKeepEveryFaultInsideTheRunAndItsKindsRange() {
    for (long seed = 1; seed <= 50; seed++) {
      ChaosSchedule.Options o = all(TEN_MINUTES);
      for (FaultEvent e : ChaosSchedule.generate(seed, o).events()) {
        assertThat(e.atMs()).isGreaterThanOrEqualTo(o.warmupMs());
        assertThat(e.occupiedUntilMs()).isLessThanOrEqualTo(o.runMs());
        assertThat(e.durationMs()).isBetween(e.kind().minDurationMs(), e.kind().maxDurationMs());
        if (e.kind() != FaultKind.BROKER_STALL) {
          assertThat(e.durationMs()).isLessThanOrEqualTo(Math.max(e.kind().minDurationMs(), o.runMs() / 5));
        }
        switch (e.kind()) {
          case LIVE_FLAPPING -> assertThat(e.param()).isBetween(200, 600);
          case PRERECORDED_SLOW -> assertThat(e.param()).isBetween(2_000, 8_000);
          case KILL_GATEWAY -> assertThat(e.param()).isBetween(0, 1);
          case SOCKET_DROP -> assertThat(e.param()).isBetween(0, 999);
          default -> assertThat(e.param()).isZero();
        }
      }
    }
  }

  @Test
  void shouldStallTheBrokerForFourToFiveMinutesOnceInALongRun() {
    long longest = 0;
    for (long seed = 1; seed <= 20; seed++) {
      List<FaultEvent> stalls = ChaosSchedule.generate(seed, all(TEN_MINUTES)).events().stream()
          .filter(e -> e.kind() == FaultKind.BROKER_STALL).toList();
      assertThat(stalls).as("seed %d", seed).anySatisfy(e -> assertThat(e.durationMs()).isBetween(240_000L, 300_000L));
      longest = Math.max(longest, stalls.stream().mapToLong(FaultEvent::durationMs).max().orElse(0));
    }
    assertThat(longest).as("a 10-minute run may stall the broker the catalogue's full 5 minutes")
        .isGreaterThanOrEqualTo(290_000L);
    List<FaultEvent> short3 = ChaosSchedule.generate(7, all(180_000)).events().stream()
        .filter(e -> e.kind() == FaultKind.BROKER_STALL).toList();
    assertThat(short3).allSatisfy(e -> assertThat(e.durationMs()).isLessThanOrEqualTo(81_000));
  }

  @Test
  void shouldLeaveOutWhatTheStackCannotDo() {
    ChaosSchedule.Options oneGatewayNoBroker = ChaosSchedule.Options.of(TEN_MINUTES, 1, false, 3);
    assertThat(oneGatewayNoBroker.kinds()).doesNotContain(FaultKind.KILL_GATEWAY, FaultKind.BROKER_STALL);
    assertThat(ChaosSchedule.generate(3, oneGatewayNoBroker).events())
        .noneMatch(e -> e.kind() == FaultKind.KILL_GATEWAY || e.kind() == FaultKind.BROKER_STALL);
  }

  @Test
  void shouldReportKindsThatDoNotFitAShortCrowdedRun() {
    ChaosSchedule.Options o = new ChaosSchedule.Options(20_000, EnumSet.allOf(FaultKind.class), 1, 2, 2_000, 15_000);
    ChaosSchedule s = ChaosSchedule.generate(5, o);
    assertThat(s.unplaced()).contains(FaultKind.KILL_MERGER, FaultKind.KILL_STT_WORKER); // 30 s restart guard > run
    assertThat(s.maxConcurrent()).isLessThanOrEqualTo(1);
  }

  @Test
  void shouldRefuseBadOptions() {
    assertThatThrownBy(() -> new ChaosSchedule.Options(5_000, Set.of(), 3, 1, 0, 15_000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ChaosSchedule.Options(60_000, Set.of(), 0, 1, 0, 15_000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ChaosSchedule.Options(60_000, Set.of(), 3, 1, 60_000, 15_000))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
