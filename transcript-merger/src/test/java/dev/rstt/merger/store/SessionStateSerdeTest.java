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

  /**
   * A store restored from a changelog the merger wrote before the open tail (schema v3: the whole session in one
   * value). It reads as a tail with nothing closed, its frontier taken from its words and ranges; the updates and
   * segments it yields are those of the original, and the next close takes its settled part out.
   */
  @Test
  void shouldReadAValueWrittenWithTheThirdSchemaVersionAndCloseItsSettledPart() throws Exception {
    SessionTranscript original = new SessionTranscript(S);
    original.apply(status(S, "ready"), 10);
    for (int i = 0; i < 40; i++) {
      original.apply(produced(S, "live", i, segment("SPEAKER_" + (i % 2), tone(String.format("w%03d.", i), 10.0 * i))),
          20 + i);
    }
    Schema v3 = SessionStateSerde.earlierVersion("session-state/v3.avsc");
    assertThat(v3.getField("closed_segments")).as("v3 predates the open tail").isNull();
    // The value as v3 wrote it: the v4 record resolved to the v3 schema, in v3's single-object encoding.
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    var encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
    new org.apache.avro.specific.SpecificDatumWriter<dev.rstt.merger.avro.SessionState>(
        dev.rstt.merger.avro.SessionState.getClassSchema()).write(SessionStateSerde.toState(original), encoder);
    encoder.flush();
    GenericRecord old = new org.apache.avro.generic.GenericDatumReader<GenericRecord>(
        dev.rstt.merger.avro.SessionState.getClassSchema(), v3).read(null,
        org.apache.avro.io.DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v3).encode(old);
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);

    SessionTranscript restored = SessionStateSerde.decode(bytes);
    assertThat(restored.segments()).extracting(s -> s.id())
        .containsExactlyElementsOf(original.segments().stream().map(s -> s.id()).toList());
    assertThat(restored.segments()).extracting(s -> s.text())
        .containsExactlyElementsOf(original.segments().stream().map(s -> s.text()).toList());
    assertThat(restored.history().closedSegments()).isZero();
    assertThat(restored.history().stored().frontierUs()).as("the last record's covered end")
        .isEqualTo(390_360_000L);
    var next = produced(S, "live", 40, segment("SPEAKER_0", tone("w040.", 400.0)));
    assertThat(restored.apply(next, 100)).isEqualTo(original.apply(next, 100));
    var closing = restored.close(java.time.Duration.ofMinutes(5));
    assertThat(closing.segments()).extracting(c -> c.item().text()).containsExactly("w000.", "w001.", "w002.",
        "w003.", "w004.", "w005.", "w006.", "w007.", "w008.", "w009.");
    assertThat(closing.segments()).extracting(c -> c.position()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L,
        9L);
  }

  /**
   * A store restored from a changelog the previous merger version (schema v2) wrote: words without text or
   * confidence, stt_sessions without covered ranges. Their words keep their text, count as inside their audio
   * with full confidence, so a copy arriving now never replaces them (the old rule, first copy wins).
   */
  @Test
  void shouldReadAValueWrittenWithTheSecondSchemaVersion() throws Exception {
    Schema v2 = SessionStateSerde.earlierVersion("session-state/v2.avsc");
    Schema segmentSchema = v2.getField("segments").schema().getElementType();
    Schema wordSchema = segmentSchema.getField("words").schema().getElementType();
    Schema rangeSchema = v2.getField("applied").schema().getElementType();
    assertThat(wordSchema.getField("confidence_pm")).as("v2 predates confidences").isNull();
    GenericRecord segment = new GenericData.Record(segmentSchema);
    segment.put("id", "seg-1");
    segment.put("stt_session", "live");
    segment.put("stt_provider", "deepgram");
    segment.put("speaker", "SPEAKER_0");
    segment.put("speaker_id", 0);
    segment.put("is_user", false);
    segment.put("start", 1.0);
    segment.put("end", 1.66);
    segment.put("text", "w001 w002.");
    segment.put("words", new GenericData.Array<>(segment.getSchema().getField("words").schema(),
        List.of(storedWord(wordSchema, 1_000_000), storedWord(wordSchema, 1_400_000))));
    GenericRecord wordless = new GenericData.Record(segmentSchema);
    segment.getSchema().getFields().forEach(f -> wordless.put(f.name(), segment.get(f.name())));
    wordless.put("id", "seg-2");
    wordless.put("start", 3.0);
    wordless.put("end", 4.0);
    wordless.put("text", "Said without words.");
    wordless.put("words", new GenericData.Array<>(segment.getSchema().getField("words").schema(),
        List.of(storedWord(wordSchema, 3_000_000))));
    GenericRecord range = new GenericData.Record(rangeSchema);
    range.put("stt_session", "live");
    range.put("from_seq", 0L);
    range.put("to_seq", 1L);
    GenericRecord old = new GenericData.Record(v2);
    old.put("session_id", S);
    old.put("user_id", "user-1");
    old.put("revision", 2L);
    old.put("segments", new GenericData.Array<>(v2.getField("segments").schema(), List.of(segment, wordless)));
    old.put("applied", new GenericData.Array<>(v2.getField("applied").schema(), List.of(range)));
    old.put("statuses", new GenericData.Array<>(v2.getField("statuses").schema(), List.of()));
    old.put("ready_forwarded", true);
    old.put("episode_open", false);
    old.put("open_episodes", new GenericData.Array<>(v2.getField("open_episodes").schema(), List.of()));
    old.put("live_finished", false);
    old.put("batch_finished", false);
    old.put("last_activity_ms", 1234L);
    ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2).encode(old);
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);

    SessionTranscript restored = SessionStateSerde.decode(bytes);
    assertThat(restored.segments()).extracting(s -> s.text()).containsExactly("w001 w002.", "Said without words.");
    assertThat(restored.segments().get(0).words()).extracting(w -> w.text()).containsExactly("w001", "w002.");
    assertThat(restored.segments().get(0).words()).allSatisfy(w -> assertThat(w.confidence()).isEqualTo(1.0));
    assertThat(restored.coverage().of("live").known()).isFalse();
    // A batch copy of w002, inside its chunk and sure of itself, does not replace the word accepted before.
    var copy = produced(S, "batch", 0, "batch", "deepgram", segment("SPEAKER_0",
        dev.rstt.merger.Events.word("w002", 1.41, 1.67, 0.99)));
    assertThat(restored.apply(copy, 2000)).isEmpty();
    assertThat(restored.droppedWords()).isEqualTo(1);
    // Written again as v3, it reads back the same.
    SessionTranscript again = SessionStateSerde.decode(SessionStateSerde.encode(restored));
    assertThat(SessionStateSerde.toState(again)).isEqualTo(SessionStateSerde.toState(restored));
    assertThat(again.segments()).extracting(s -> s.text()).containsExactly("w001 w002.", "Said without words.");
  }

  private static GenericRecord storedWord(Schema wordSchema, long startUs) {
    GenericRecord w = new GenericData.Record(wordSchema);
    w.put("start_us", startUs);
    w.put("duration_us", 260_000L);
    w.put("stt_session", null);
    return w;
  }

  @Test
  void shouldKeepWordTextsConfidencesAndCoveredRangesThroughARoundTrip() {
    SessionTranscript original = new SessionTranscript(S);
    original.apply(dev.rstt.merger.Events.covering(S, "live", 0, "live", "deepgram", 4.9, 5.56,
        segment("SPEAKER_0", dev.rstt.merger.Events.word("0", 4.9, 4.99, 0.2534))), 10);
    SessionTranscript copy = SessionStateSerde.decode(SessionStateSerde.encode(original));
    assertThat(copy.segments().get(0).words()).singleElement()
        .satisfies(w -> assertThat(w.text()).isEqualTo("0"))
        .satisfies(w -> assertThat(w.confidence()).isEqualTo(0.253));
    assertThat(copy.coverage().of("live")).isEqualTo(original.coverage().of("live"));
    assertThat(copy.coverage().of("live").fromUs()).isEqualTo(4_900_000);
    // The whole copy replaces the fragment on both alike.
    var whole = dev.rstt.merger.Events.covering(S, "batch", 0, "batch", "deepgram", 3.0, 5.9,
        segment("SPEAKER_1", dev.rstt.merger.Events.word("w010", 4.7, 4.96, 0.95)));
    SessionUpdate a = original.apply(whole, 20).orElseThrow();
    SessionUpdate b = copy.apply(whole, 20).orElseThrow();
    assertThat(b).isEqualTo(a);
    assertThat(a.getRemovedSegmentIds()).hasSize(1);
  }

  @Test
  void shouldRefuseBytesThatAreNotAState() {
    assertThatThrownBy(() -> SessionStateSerde.decode(new byte[] {1, 2, 3}))
        .isInstanceOf(SerializationException.class);
  }
}
