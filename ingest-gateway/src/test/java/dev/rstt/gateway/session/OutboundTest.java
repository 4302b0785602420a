package dev.rstt.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

class OutboundTest {

  @Test
  void aSocketWhoseTransportWentAwayIsFinishedNotSlow() {
    Outbound out = new Outbound(4);
    Disposable reader = out.flux().subscribe();
    assertThat(out.emit("a")).isTrue();
    reader.dispose(); // the peer aborted the TCP connection: the socket stops reading the queue
    assertThat(out.emit("audio_durable")).isFalse();
    assertThat(out.finished()).as("gone, so a session does not close it as too slow").isTrue();
  }

  @Test
  void aFullQueueIsSlowNotFinished() {
    Outbound out = new Outbound(2);
    int accepted = 0;
    while (out.emit("x") && accepted < 100) {
      accepted++;
    }
    assertThat(accepted).isLessThan(100);
    assertThat(out.finished()).isFalse();
  }
}
