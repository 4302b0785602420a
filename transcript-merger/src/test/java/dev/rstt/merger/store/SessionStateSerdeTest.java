package dev.rstt.merger.store;

import static dev.rstt.merger.Events.produced;
import static dev.rstt.merger.Events.segment;
import static dev.rstt.merger.Events.status;
import static dev.rstt.merger.Events.tone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rstt.avro.SessionUpdate;
import dev.rstt.merger.merge.Episodes;
import dev.rstt.merger.merge.SessionTranscript;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
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
  void shouldKeepTheOpenEpisodesThroughARoundTrip() {
    SessionTranscript original = new SessionTranscript(S);
    original.apply(status(S, "stt_degraded", 52_800), 10);
    original.apply(status(S, "stt_degraded", 97_600), 20);
    SessionTranscript copy = SessionStateSerde.decode(SessionStateSerde.encode(original));
    assertThat(copy.openEpisodes()).containsExactly(52_800L, 97_600L);
    copy.apply(status(S, "stt_recovered", 94_400, 94_400L), 30);
    assertThat(copy.openEpisodes()).containsExactly(97_600L);
  }

  /** A store restored from a changelog the previous merger version wrote: one open episode, start unknown. */
  @Test
  void shouldReadAValueWrittenWithTheFirstSchemaVersion() throws Exception {
    Schema v1 = SessionStateSerde.earlierVersion("session-state/v1.avsc");
    assertThat(v1.getField("open_episodes")).as("v1 predates open_episodes").isNull();
    GenericRecord old = new GenericData.Record(v1);
    old.put("session_id", S);
    old.put("user_id", "user-1");
    old.put("revision", 7L);
    old.put("segments", new GenericData.Array<>(v1.getField("segments").schema(), List.of()));
    old.put("applied", new GenericData.Array<>(v1.getField("applied").schema(), List.of()));
    old.put("statuses", new GenericData.Array<>(v1.getField("statuses").schema(), List.of()));
    old.put("ready_forwarded", true);
    old.put("episode_open", true);
    old.put("live_finished", true);
    old.put("batch_finished", false);
    old.put("last_activity_ms", 1234L);
    ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);

    SessionTranscript restored = SessionStateSerde.decode(bytes);
    assertThat(restored.revision()).isEqualTo(7);
    assertThat(restored.openEpisodes()).containsExactly(Episodes.UNKNOWN);
    assertThat(restored.complete()).isFalse();
    SessionUpdate recovered = restored.apply(status(S, "stt_recovered", 160_000, 160_000L), 2000).orElseThrow();
    assertThat(recovered.getStatus().getStatus()).isEqualTo("stt_recovered");
    assertThat(recovered.getComplete()).isTrue();
    assertThat(recovered.getRevision()).isEqualTo(8);
  }

  @Test
  void shouldRefuseBytesThatAreNotAState() {
    assertThatThrownBy(() -> SessionStateSerde.decode(new byte[] {1, 2, 3}))
        .isInstanceOf(SerializationException.class);
  }
}
