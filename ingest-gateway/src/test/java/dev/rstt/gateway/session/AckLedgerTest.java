package dev.rstt.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AckLedgerTest {

  @Test
  void shouldAllowTheEndOnlyWhenEveryRecordIsAcknowledged() {
    AckLedger ledger = new AckLedger(100);
    assertThat(ledger.mayEnd()).isTrue();
    ledger.handed(60);
    ledger.handed(60);
    assertThat(ledger.atCap()).isTrue();
    assertThat(ledger.mayEnd()).isFalse();
    ledger.acknowledged(60);
    assertThat(ledger.atCap()).isFalse();
    assertThat(ledger.mayEnd()).isFalse();
    ledger.acknowledged(60);
    assertThat(ledger.mayEnd()).isTrue();
    assertThat(ledger.unackedBytes()).isZero();
  }

  @Test
  void shouldNeverAllowTheEndAfterAFailureEvenOnceSettled() {
    AckLedger ledger = new AckLedger(100);
    ledger.handed(10);
    ledger.handed(10);
    ledger.failed(10);
    ledger.acknowledged(10);
    assertThat(ledger.settled()).isTrue();
    assertThat(ledger.hasFailed()).isTrue();
    assertThat(ledger.mayEnd()).isFalse();
  }

  @Test
  void shouldRefuseAnAnswerForARecordNeverHandedOver() {
    AckLedger ledger = new AckLedger(100);
    assertThatThrownBy(() -> ledger.acknowledged(1)).isInstanceOf(IllegalStateException.class);
  }
}
