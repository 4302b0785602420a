package dev.rstt.gateway.resume;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DurableThrottleTest {

  @Test
  void sendsAtOnceThenAtMostOncePerInterval() {
    DurableThrottle throttle = new DurableThrottle(250);
    assertThat(throttle.offer(3, 1000)).isInstanceOf(DurableThrottle.Send.class);
    assertThat(throttle.offer(5, 1100)).isEqualTo(new DurableThrottle.Arm(1250));
    assertThat(throttle.offer(8, 1200)).as("a timer is armed already").isInstanceOf(DurableThrottle.Nothing.class);
    assertThat(throttle.fire(8, 1250)).as("the latest position when the timer fires")
        .isInstanceOf(DurableThrottle.Send.class);
    assertThat(throttle.offer(8, 1600)).as("not moved").isInstanceOf(DurableThrottle.Nothing.class);
    assertThat(throttle.offer(9, 1600)).isInstanceOf(DurableThrottle.Send.class);
  }

  @Test
  void aTimerWithNothingNewSendsNothing() {
    DurableThrottle throttle = new DurableThrottle(250);
    throttle.offer(3, 0);
    throttle.offer(4, 10);
    assertThat(throttle.fire(3, 250)).isInstanceOf(DurableThrottle.Nothing.class);
  }

  @Test
  void aNewSocketIsToldAtOnce() {
    DurableThrottle throttle = new DurableThrottle(250);
    throttle.offer(3, 0);
    throttle.reset();
    assertThat(throttle.offer(3, 10)).as("the same position, but the new socket has not heard it")
        .isInstanceOf(DurableThrottle.Send.class);
  }
}
