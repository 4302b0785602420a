package dev.rstt.tools.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EmulatorFaultsTest {

  private static FaultEvent event(int id, FaultKind kind, int param) {
    return new FaultEvent(id, kind, 1_000, kind.instant() ? 0 : 5_000, param);
  }

  @Test
  void shouldClearTheSetWhenNoEmulatorFaultIsActive() {
    assertThat(EmulatorFaults.body(List.of())).isEmpty();
    assertThat(EmulatorFaults.body(List.of(event(1, FaultKind.KILL_MERGER, 0)))).isEmpty();
  }

  @Test
  void shouldSendEachKindAsTheEmulatorsCatalogueSaysIt() {
    assertThat(EmulatorFaults.body(List.of(event(1, FaultKind.LIVE_CLOSE_1006, 0)))).contains(
        "{\"live\":{\"close_after_ms\":0,\"close_code\":1006,\"close_scope\":\"open\"}}");
    assertThat(EmulatorFaults.body(List.of(event(1, FaultKind.LIVE_FLAPPING, 300)))).contains(
        "{\"live\":{\"close_after_ms\":300,\"close_code\":1011,\"close_scope\":\"all\"}}");
    assertThat(EmulatorFaults.body(List.of(event(1, FaultKind.LIVE_HANDSHAKE_429, 0)))).contains(
        "{\"live\":{\"handshake_status\":429,\"retry_after_seconds\":2}}");
    assertThat(EmulatorFaults.body(List.of(event(1, FaultKind.LIVE_STALL, 0)))).contains(
        "{\"live\":{\"stall\":true}}");
    assertThat(EmulatorFaults.body(List.of(event(1, FaultKind.PRERECORDED_SLOW, 4000)))).contains(
        "{\"prerecorded\":{\"delay_ms\":4000}}");
    assertThat(EmulatorFaults.body(List.of(event(1, FaultKind.PRERECORDED_CLOSE, 0)))).contains(
        "{\"prerecorded\":{\"no_answer\":\"close\"}}");
  }

  @Test
  void shouldSendOverlappingFaultsAsTheirUnion() {
    assertThat(EmulatorFaults.body(List.of(event(3, FaultKind.PRERECORDED_HANG, 0),
        event(1, FaultKind.LIVE_HANDSHAKE_503, 0), event(2, FaultKind.LIVE_FLAPPING, 250),
        event(4, FaultKind.PRERECORDED_SLOW, 3000), event(5, FaultKind.LIVE_STALL, 0),
        event(6, FaultKind.KILL_GATEWAY, 1)))).contains(
        "{\"live\":{\"handshake_status\":503,\"close_after_ms\":250,\"close_code\":1011,\"close_scope\":\"all\","
            + "\"stall\":true},\"prerecorded\":{\"no_answer\":\"hang\",\"delay_ms\":3000}}");
  }

  @Test
  void shouldRefuseTwoFaultsOfOneSlot() {
    assertThatThrownBy(() -> EmulatorFaults.body(List.of(event(1, FaultKind.LIVE_HANDSHAKE_503, 0),
        event(2, FaultKind.LIVE_HANDSHAKE_401, 0)))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EmulatorFaults.body(List.of(event(1, FaultKind.PRERECORDED_503, 0),
        event(2, FaultKind.PRERECORDED_HANG, 0)))).isInstanceOf(IllegalArgumentException.class);
  }
}
