package dev.rstt.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The instance's socket cap. */
class SocketPermitsTest {

  @Test
  void shouldGiveAtMostMaxPermitsAndTakeEachBackOnce() {
    SocketPermits permits = new SocketPermits(2);
    SocketPermits.Permit a = permits.tryAcquire();
    SocketPermits.Permit b = permits.tryAcquire();
    assertThat(a).isNotNull();
    assertThat(b).isNotNull();
    assertThat(permits.tryAcquire()).isNull();
    a.release();
    a.release();
    assertThat(permits.inUse()).as("released once however often called").isEqualTo(1);
    assertThat(permits.tryAcquire()).isNotNull();
    assertThat(permits.tryAcquire()).isNull();
  }

  @Test
  void shouldNotLetAReleasedPermitBeClaimed() {
    SocketPermits permits = new SocketPermits(1);
    SocketPermits.Permit p = permits.tryAcquire();
    assertThat(p.claim()).isTrue();
    assertThat(p.claim()).as("claimed once").isFalse();
    SocketPermits.Permit q = new SocketPermits(1).tryAcquire();
    q.release();
    assertThat(q.claim()).as("the exchange ended before the upgrade: nothing to hold").isFalse();
  }
}
