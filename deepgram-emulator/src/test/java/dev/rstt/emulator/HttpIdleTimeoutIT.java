package dev.rstt.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.testsupport.Sockets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A connection that sends no request (a half-open or silent client) is closed after the HTTP idle timeout; an
 * upgraded live socket is not (it has Deepgram's own NET-0001 idle rule).
 */
class HttpIdleTimeoutIT {

  @Test
  void shouldCloseASilentConnectionButNotAnIdleLiveSocket() throws Exception {
    try (DeepgramEmulator emulator = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0)
        .withHttpIdleTimeout(Duration.ofSeconds(1)).withIdleTimeout(Duration.ofSeconds(30)))) {
      assertThat(Sockets.silentConnectionClosedAfter("127.0.0.1", emulator.port(), Duration.ofSeconds(20)))
          .hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofMillis(900), Duration.ofSeconds(10)));

      LiveClient live = LiveClient.open(emulator, "model=nova-3&encoding=linear16&sample_rate=16000", "k");
      // three HTTP idle timeouts without a frame: a live socket stays open (only NET-0001, 30 s here, applies)
      await("live socket still open").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
          .until(() -> !live.closed.isDone());
      live.sendText("{\"type\":\"CloseStream\"}");
    }
  }

  @Test
  void shouldGiveASilentConnectionAMinuteByDefault() {
    try (DeepgramEmulator emulator = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0))) {
      assertThat(emulator.settings().httpIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
      assertThat(Sockets.silentConnectionClosedAfter("127.0.0.1", emulator.port(), Duration.ofSeconds(2))).isEmpty();
    }
  }
}
