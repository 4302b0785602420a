package dev.rstt.merger.store;

import static dev.rstt.merger.Events.produced;
import static dev.rstt.merger.Events.segment;
import static dev.rstt.merger.Events.status;
import static dev.rstt.merger.Events.tone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rstt.avro.SessionUpdate;
import dev.rstt.merger.merge.SessionTranscript;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SessionStateSerdeTest {

  static final String S = "01SESSION0000000000000000A";

  @Test
  void shouldRestoreATranscriptThatBehavesExactlyLikeTheOriginal() {
    SessionTranscript original = new SessionTranscript(S);
    original.apply(status(S, "ready"), 10);
    original.apply(produced(S, "live", 0, segment("SPEAKER_0", tone("w001", 1.0), tone("w002", 1.4))), 20);
    // An unset stt_session combines into the live segment: its word keeps "unset" through the round trip.
    original.apply(produced(S, "", 7, segment("SPEAKER_0", tone("w009", 1.75))), 25);
    original.apply(status(S, "stt_degraded", Map.of("batch_mode", "true")), 30);
    original.apply(produced(S, "", 0, "batch", "deepgram", segment("SPEAKER_1", true, tone("w003", 9.0))), 40);

    SessionTranscript copy = SessionStateSerde.decode(SessionStateSerde.encode(original));
    assertThat(SessionStateSerde.toState(copy)).isEqualTo(SessionStateSerde.toState(original));
    assertThat(copy.statuses().get(1).metadata()).containsEntry("batch_mode", "true");
    assertThat(copy.segments().get(1).sttSession()).isNull();
    assertThat(copy.segments().get(0).words()).extracting(w -> w.sttSession())
        .containsExactly("live", "live", null);

    // The same next event yields the same update on both.
    var next = produced(S, "live", 1, segment("SPEAKER_0", tone("w004", 2.2)));
    SessionUpdate a = original.apply(next, 50).orElseThrow();
    SessionUpdate b = copy.apply(next, 50).orElseThrow();
    assertThat(b).isEqualTo(a);
    assertThat(copy.apply(next, 60)).as("redelivery remembered").isEmpty();
  }

  @Test
  void shouldRefuseBytesThatAreNotAState() {
    assertThatThrownBy(() -> SessionStateSerde.decode(new byte[] {1, 2, 3}))
        .isInstanceOf(SerializationException.class);
  }
}
