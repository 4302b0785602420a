package dev.rstt.merger.topology;

import static dev.rstt.merger.Events.produced;
import static dev.rstt.merger.Events.segment;
import static dev.rstt.merger.Events.status;
import static dev.rstt.merger.Events.tone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.merger.MergerConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.KafkaHeaders;

/** Expiry by wall clock, and poison records to the dead-letter topic. */
class ExpiryAndPoisonTopologyTest {

  static final String DONE = "01SESSION0000000000000DONE";
  static final String OPEN = "01SESSION0000000000000OPEN";
  static final String LIVE = "01LIVE00000000000000000001";


  @Test
  void shouldExpireFinishedSessionsAfterRetentionAndAbandonedOnesAfterTheLongerRetention() {
    MergerConfig config = MergerConfig.defaults()
        .withRetention(Duration.ofHours(1), Duration.ofHours(24), Duration.ofMinutes(1));
    try (MergerHarness h = new MergerHarness(config)) {
      h.pipe(DONE, produced(DONE, LIVE, 0, segment("SPEAKER_0", tone("w001", 1.0))), status(DONE, "live_finished"));
      h.pipe(OPEN, produced(OPEN, LIVE, 0, segment("SPEAKER_0", tone("w001", 1.0))));
      h.advance(Duration.ofMinutes(50));
      // Activity on the finished session restarts its clock.
      h.pipe(DONE, produced(DONE, LIVE, 1, segment("SPEAKER_0", tone("w002", 2.0))));
      h.advance(Duration.ofMinutes(50));
      assertThat(h.transcript(DONE)).as("idle 50 min").isNotNull();
      h.advance(Duration.ofMinutes(11));
      assertThat(h.transcript(DONE)).as("idle 61 min").isNull();
      assertThat(h.transcript(OPEN)).as("unfinished, idle 111 min").isNotNull();
      h.advance(Duration.ofHours(23));
      assertThat(h.transcript(OPEN)).as("unfinished, idle 24 h 51 min").isNull();
      assertThat(h.driver.getKeyValueStore(MergerTopology.EXPIRY_STORE).approximateNumEntries()).isZero();
    }
  }

  @Test
  void shouldDeadLetterAnUndecodableRecordWithItsCoordinatesAndGoOn() {
    try (MergerHarness h = new MergerHarness()) {
      h.pipe(DONE, produced(DONE, LIVE, 0, segment("SPEAKER_0", tone("w001", 1.0))));
      byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
      h.rawEvents.pipeInput(DONE, garbage);
      h.pipe(DONE, produced(DONE, LIVE, 1, segment("SPEAKER_0", tone("w002", 1.5))));

      List<TestRecord<String, byte[]>> dead = h.drainDeadLetters();
      assertThat(dead).singleElement().satisfies(r -> {
        assertThat(r.key()).isEqualTo(DONE);
        assertThat(r.value()).isEqualTo(garbage);
        Headers headers = r.headers();
        assertThat(new String(headers.lastHeader(KafkaHeaders.DLT_ORIGINAL_TOPIC).value(), StandardCharsets.UTF_8))
            .isEqualTo("transcript.events");
        assertThat(ByteBuffer.wrap(headers.lastHeader(KafkaHeaders.DLT_ORIGINAL_OFFSET).value()).getLong())
            .isEqualTo(1L);
        assertThat(ByteBuffer.wrap(headers.lastHeader(KafkaHeaders.DLT_ORIGINAL_PARTITION).value()).getInt())
            .isZero();
        assertThat(new String(headers.lastHeader(KafkaHeaders.DLT_EXCEPTION_FQCN).value(), StandardCharsets.UTF_8))
            .isEqualTo("dev.rstt.schemas.RecordDecodeException");
      });
      assertThat(h.drain()).hasSize(2);
      assertThat(h.transcript(DONE).segments()).singleElement()
          .satisfies(s -> assertThat(s.text()).isEqualTo("w001 w002"));
    }
  }

  @Test
  void shouldDeadLetterADecodableRecordThatBreaksTheContractWithoutTouchingState() {
    try (MergerHarness h = new MergerHarness()) {
      h.pipe(DONE, produced(DONE, LIVE, 0, segment("SPEAKER_0", tone("w001", 1.0))));
      h.pipe(DONE, produced(OPEN, LIVE, 1, segment("SPEAKER_0", tone("w002", 1.5)))); // key != session_id
      var backwards = produced(DONE, LIVE, 2, segment("SPEAKER_0", tone("w003", 2.0)));
      backwards.getSegments().get(0).getWords().get(0).setEnd(1.0); // ends before it starts
      h.pipe(DONE, backwards);
      h.rawEvents.pipeInput(DONE, (byte[]) null); // a tombstone

      assertThat(h.drainDeadLetters()).extracting(r -> new String(
              r.headers().lastHeader(KafkaHeaders.DLT_EXCEPTION_FQCN).value(), StandardCharsets.UTF_8))
          .containsExactly("dev.rstt.merger.merge.InvalidEventException",
              "dev.rstt.merger.merge.InvalidEventException", "java.lang.IllegalArgumentException");
      assertThat(h.drain()).hasSize(1);
      assertThat(h.transcript(DONE).segments()).singleElement()
          .satisfies(s -> assertThat(s.text()).isEqualTo("w001"));
      assertThat(h.transcript(DONE).applied().contains(LIVE, 1)).as("a rejected record is not marked applied")
          .isFalse();
      assertThat(h.transcript(OPEN)).isNull();
    }
  }
}
