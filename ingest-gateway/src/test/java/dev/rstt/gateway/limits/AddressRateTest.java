package dev.rstt.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The per-address upgrade rate, with a hand-moved clock. */
class AddressRateTest {

  private static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  @Test
  void shouldAllowTheBurstThenOnePerRefillAndSayWhenToRetry() {
    ManualClock clock = new ManualClock();
    AddressRate rate = new AddressRate(3, Duration.ofMillis(500), clock);
    for (int i = 0; i < 3; i++) {
      assertThat(rate.tryAcquire("10.0.0.1").allowed()).isTrue();
    }
    AddressRate.Decision refused = rate.tryAcquire("10.0.0.1");
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(500));
    assertThat(rate.tryAcquire("10.0.0.2").allowed()).as("another address has its own bucket").isTrue();
    clock.advance(Duration.ofMillis(499));
    assertThat(rate.tryAcquire("10.0.0.1").retryAfter()).isCloseTo(Duration.ofMillis(1), Duration.ofNanos(100));
    clock.advance(Duration.ofMillis(1));
    assertThat(rate.tryAcquire("10.0.0.1").allowed()).isTrue();
    assertThat(rate.tryAcquire("10.0.0.1").allowed()).isFalse();
  }

  @Test
  void shouldHoldAnAttackerToTheRefillRateOverAnyLongRun() {
    ManualClock clock = new ManualClock();
    AddressRate rate = new AddressRate(30, Duration.ofMillis(500), clock);
    int allowed = 0;
    for (int ms = 0; ms < 60_000; ms += 7) { // an attempt every 7 ms for a minute
      if (rate.tryAcquire("192.0.2.9").allowed()) {
        allowed++;
      }
      clock.advance(Duration.ofMillis(7));
    }
    assertThat(allowed).as("the burst, then 2 per second").isBetween(30 + 119, 30 + 121);
  }

  @Test
  void shouldCountIpv6ByItsSlash64AndIpv4OneByOne() throws Exception {
    assertThat(AddressRate.key(InetAddress.getByName("2001:db8:1:2:aaaa::1")))
        .isEqualTo(AddressRate.key(InetAddress.getByName("2001:db8:1:2:ffff:1:2:3")))
        .isNotEqualTo(AddressRate.key(InetAddress.getByName("2001:db8:1:3::1")));
    assertThat(AddressRate.key(InetAddress.getByName("192.0.2.1"))).isEqualTo("192.0.2.1")
        .isNotEqualTo(AddressRate.key(InetAddress.getByName("192.0.2.2")));
  }

  @Test
  void shouldForgetAddressesWhoseBucketIsFullAgain() {
    ManualClock clock = new ManualClock();
    AddressRate rate = new AddressRate(2, Duration.ofMillis(10), clock);
    for (int i = 0; i < 100_001; i++) {
      rate.tryAcquire("a" + i);
    }
    clock.advance(Duration.ofSeconds(1));
    rate.tryAcquire("fresh");
    assertThat(rate.tracked()).as("pruned once over the bound").isLessThan(10);
  }
}
