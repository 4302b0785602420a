package dev.rstt.merger.topology;

import static dev.rstt.merger.Events.produced;
import static dev.rstt.merger.Events.segment;
import static dev.rstt.merger.Events.status;
import static dev.rstt.merger.Events.tone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.SessionUpdate;
import dev.rstt.merger.merge.StatusRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Status forwarding and ordering, and completeness (CONTRACT.md 6.5, 6.6). */
class StatusTopologyTest {

  static final String S = "01SESSION0000000000000000A";
  static final String LIVE = "01LIVE00000000000000000001";
  static final String BATCH1 = "01BATCH0000000000000000001";
  static final String BATCH2 = "01BATCH0000000000000000002";

  @RegisterExtension
  final MergerHarness h = new MergerHarness();

  /** One line per update: the status, or the texts of the segments, and the complete flag. */
  private static String describe(SessionUpdate u) {
    String what = u.getStatus() != null ? u.getStatus().getStatus()
        : u.getSegments().stream().map(s -> s.getText()).toList().toString();
    return what + (u.getComplete() ? " complete" : "");
  }

  @Test
  void shouldForwardStatusesInPartitionOrderAfterTheSegmentsBeforeThem() {
    h.pipe(S,
        status(S, "ready"),
        produced(S, LIVE, 0, segment("SPEAKER_0", tone("w001", 1.0))),
        status(S, "stt_degraded", Map.of("batch_mode", "true", "batch_interval_seconds", "30")),
        status(S, "stt_degraded"), // a second worker's announcement of the same episode
        produced(S, BATCH1, 0, "batch", "deepgram", segment("SPEAKER_0", tone("w002", 5.0))),
        produced(S, BATCH2, 0, "batch", "deepgram", segment("SPEAKER_0", tone("w003", 35.0))),
        status(S, "stt_recovered"),
        status(S, "stt_recovered"), // no episode open any more
        status(S, "ready"), // a cold take-over opens a new live connection
        produced(S, "01LIVE00000000000000000002", 0, segment("SPEAKER_0", tone("w004", 60.0))),
        status(S, "live_finished"));
    List<SessionUpdate> updates = h.drain();
    assertThat(updates).extracting(StatusTopologyTest::describe).containsExactly(
        "ready", "[w001]", "stt_degraded", "[w002]", "[w003]", "stt_recovered", "[w004]", "[] complete");
    assertThat(updates.get(2).getStatus().getMetadata()).containsEntry("batch_interval_seconds", "30");
    assertThat(updates).extracting(SessionUpdate::getRevision).isSorted().doesNotHaveDuplicates();
    assertThat(h.transcript(S).statuses()).extracting(StatusRecord::status)
        .containsExactly("ready", "stt_degraded", "stt_recovered");
  }

  @Test
  void shouldSuppressARecoveryWithoutAnOpenEpisode() {
    h.pipe(S, status(S, "stt_recovered"));
    assertThat(h.drain()).isEmpty();
    assertThat(h.transcript(S).statuses()).isEmpty();
  }

  @Test
  void shouldForwardChunkLostWithItsMetadataEveryTime() {
    h.pipe(S, status(S, "stt_degraded"),
        status(S, "chunk_lost", Map.of("from_s", "0.0", "to_s", "30.0", "reason", "401")),
        status(S, "chunk_lost", Map.of("from_s", "30.0", "to_s", "60.0", "reason", "401")));
    List<SessionUpdate> updates = h.drain();
    assertThat(updates).extracting(StatusTopologyTest::describe)
        .containsExactly("stt_degraded", "chunk_lost", "chunk_lost");
    assertThat(updates.get(2).getStatus().getMetadata()).containsEntry("from_s", "30.0");
  }

  @Test
  void shouldBeCompleteOnlyWhenAudioEndedAndNoDegradedEpisodeIsOpen() {
    h.pipe(S, status(S, "ready"), status(S, "stt_degraded"), status(S, "live_finished"));
    assertThat(h.drain()).extracting(StatusTopologyTest::describe).containsExactly("ready", "stt_degraded");
    assertThat(h.transcript(S).complete()).isFalse();
    h.pipe(S, produced(S, BATCH1, 0, "batch", "deepgram", segment("SPEAKER_0", tone("w001", 1.0))));
    assertThat(h.drain()).extracting(StatusTopologyTest::describe).containsExactly("[w001]");
    // batch_finished closes the episode silently and completes the transcript.
    h.pipe(S, status(S, "batch_finished"));
    List<SessionUpdate> last = h.drain();
    assertThat(last).extracting(StatusTopologyTest::describe).containsExactly("[] complete");
    assertThat(last.get(0).getStatus()).isNull();
    assertThat(h.transcript(S).complete()).isTrue();
    // A later recovery announcement has nothing to close.
    h.pipe(S, status(S, "stt_recovered"));
    assertThat(h.drain()).isEmpty();
  }

  @Test
  void shouldCompleteAfterRecoveryWhenLiveHadAlreadyFinished() {
    h.pipe(S, status(S, "stt_degraded"), status(S, "live_finished"), status(S, "stt_recovered"));
    assertThat(h.drain()).extracting(StatusTopologyTest::describe)
        .containsExactly("stt_degraded", "stt_recovered complete");
  }
}
