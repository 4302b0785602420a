package dev.rstt.merger.merge;

import static dev.rstt.merger.Events.produced;
import static dev.rstt.merger.Events.segment;
import static dev.rstt.merger.Events.status;
import static dev.rstt.merger.Events.tone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.SessionUpdate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Episodes, status forwarding and completeness on the pure core (docs/CONTRACT.md sections 6.5, 6.6): scripted
 * flapping sequences, and thousands of seeded interleavings of one STT worker's and one batch worker's streams.
 */
class SessionTranscriptEpisodesTest {

  static final String S = "01SESSION0000000000000000A";
  static final int RATE = 16000;

  private static long samples(double seconds) {
    return Math.round(seconds * RATE);
  }

  private static SegmentsProduced batch(String stt, String word, double start) {
    return produced(S, stt, 0, "batch", "deepgram", segment("SPEAKER_0", tone(word, start)));
  }

  private static Optional<SessionUpdate> apply(SessionTranscript t, SpecificRecord event) {
    return event instanceof SegmentsProduced p ? t.apply(p, 0) : t.apply((dev.rstt.avro.StatusChanged) event, 0);
  }

  private static List<String> forwarded(SessionTranscript t) {
    return t.statuses().stream().map(StatusRecord::status).toList();
  }

  @Test
  void shouldNotCompleteBeforeTheSegmentsOfAnEpisodeThatOpenedBeforeTheEarlierOneRecovered() {
    SessionTranscript t = new SessionTranscript(S);
    t.apply(status(S, "ready", 0), 0);
    t.apply(status(S, "stt_degraded", samples(3.3)), 0);
    t.apply(status(S, "stt_degraded", samples(6.1)), 0); // live flapped again before the batch worker answered
    t.apply(batch("B1", "w086", 3.554), 0);
    t.apply(status(S, "stt_recovered", samples(5.9), samples(5.9)), 0);
    assertThat(t.episodeOpen()).as("the episode from 6.1 s is still degraded").isTrue();
    assertThat(forwarded(t)).containsExactly("ready", "stt_degraded");
    t.apply(status(S, "live_finished", samples(22.0)), 0);
    assertThat(t.complete()).as("its batch segments are not in yet").isFalse();

    t.apply(batch("B2", "w091", 6.349), 0);
    SessionUpdate last = t.apply(status(S, "stt_recovered", samples(9.0), samples(9.0)), 0).orElseThrow();
    assertThat(last.getStatus().getStatus()).isEqualTo("stt_recovered");
    assertThat(last.getComplete()).isTrue();
    assertThat(forwarded(t)).containsExactly("ready", "stt_degraded", "stt_recovered");
    assertThat(t.segments()).extracting(Segment::text).containsExactly("w086", "w091");
  }

  @Test
  void shouldShowTheAppOnePairPerVisibleEpisodeInOrder() {
    SessionTranscript t = new SessionTranscript(S);
    t.apply(status(S, "stt_degraded", 100), 0);
    t.apply(status(S, "stt_recovered", 200, 200L), 0); // closes the only open episode: visible pair ends
    t.apply(status(S, "stt_degraded", 200), 0); // the resumed socket died at once
    t.apply(status(S, "stt_degraded", 400), 0); // and again after the next resume at 300
    t.apply(status(S, "stt_recovered", 300, 300L), 0);
    t.apply(status(S, "stt_recovered", 500, 500L), 0);
    t.apply(status(S, "stt_recovered", 500, 500L), 0); // replayed by a restarted batch worker
    assertThat(forwarded(t)).containsExactly("stt_degraded", "stt_recovered", "stt_degraded", "stt_recovered");
  }

  @Test
  void shouldCloseEveryOpenEpisodeSilentlyWhenTheBatchPathFinished() {
    SessionTranscript t = new SessionTranscript(S);
    t.apply(status(S, "stt_degraded", 100), 0);
    t.apply(status(S, "stt_degraded", 300), 0);
    t.apply(status(S, "stt_recovered", 200, 200L), 0);
    SessionUpdate end = t.apply(status(S, "batch_finished", 900, 900L), 0).orElseThrow();
    assertThat(end.getStatus()).isNull();
    assertThat(end.getComplete()).isTrue();
    assertThat(forwarded(t)).containsExactly("stt_degraded");
  }

  @Test
  void shouldRejectANegativeOffsetWithoutChangingTheEpisodes() {
    SessionTranscript t = new SessionTranscript(S);
    t.apply(status(S, "stt_degraded", 100), 0);
    assertThatThrownBy(() -> t.apply(status(S, "stt_recovered", -5), 0))
        .isInstanceOf(InvalidEventException.class).hasMessageContaining("at_offset_samples");
    assertThatThrownBy(() -> t.apply(status(S, "stt_recovered", 200, -1L), 0))
        .isInstanceOf(InvalidEventException.class).hasMessageContaining("degraded_to_samples");
    assertThat(t.openEpisodes()).containsExactly(100L);
  }

  /**
   * One STT worker's statuses and one batch worker's results and statuses, interleaved at random as a partition
   * may order them (a recovery only after its episode's stt_degraded), with replayed recoveries. After every
   * event: complete implies every batch word is in; a forwarded stt_recovered comes after every batch word of
   * the episodes announced so far; forwarded episode statuses alternate. At the end: complete, every word once.
   */
  @Test
  void shouldKeepTheInvariantsForRandomFlappingSchedules() {
    for (long seed = 0; seed < 5000; seed++) {
      checkSchedule(seed);
    }
  }

  private void checkSchedule(long seed) {
    Random random = new Random(seed);
    int episodes = 1 + random.nextInt(6);
    boolean endsLive = random.nextBoolean();
    List<SpecificRecord> stt = new ArrayList<>();
    List<SpecificRecord> batch = new ArrayList<>();
    List<String> words = new ArrayList<>();
    List<Integer> episodeOfRecovery = new ArrayList<>();
    stt.add(status(S, "ready", 0));
    double t = 0.5;
    for (int k = 0; k < episodes; k++) {
      double from = random.nextInt(3) == 0 ? t : t + random.nextDouble() * 2; // a resumed socket dying at once
      double resume = from + 0.5 + random.nextDouble() * 3;
      stt.add(status(S, "stt_degraded", samples(from)));
      String word = String.format("w%03d", k);
      words.add(word);
      batch.add(batch("B" + k, word, from + 0.01));
      boolean last = k == episodes - 1;
      if (last && !endsLive) {
        batch.add(status(S, "batch_finished", samples(resume), samples(resume)));
        episodeOfRecovery.add(k);
      } else {
        batch.add(status(S, "stt_recovered", samples(resume), samples(resume)));
        episodeOfRecovery.add(k);
        if (random.nextInt(5) == 0) {
          batch.add(status(S, "stt_recovered", samples(resume), samples(resume))); // a batch worker replay
          episodeOfRecovery.add(k);
        }
      }
      t = resume;
    }
    if (endsLive) {
      stt.add(status(S, "live_finished", samples(t + 1)));
    }

    SessionTranscript transcript = new SessionTranscript(S);
    Set<String> applied = new HashSet<>();
    int degradedSeen = 0;
    int si = 0;
    int bi = 0;
    int recoveryIndex = 0;
    while (si < stt.size() || bi < batch.size()) {
      SpecificRecord next = batch.size() > bi ? batch.get(bi) : null;
      boolean batchBlocked = next instanceof dev.rstt.avro.StatusChanged c && !"chunk_lost".equals(c.getStatus())
          && episodeOfRecovery.get(recoveryIndex) >= degradedSeen;
      boolean takeStt = si < stt.size() && (bi >= batch.size() || batchBlocked || random.nextBoolean());
      SpecificRecord event;
      if (takeStt) {
        event = stt.get(si++);
        if ("stt_degraded".equals(((dev.rstt.avro.StatusChanged) event).getStatus())) {
          degradedSeen++;
        }
      } else {
        event = batch.get(bi++);
        if (event instanceof dev.rstt.avro.StatusChanged) {
          recoveryIndex++;
        }
      }
      Optional<SessionUpdate> update = apply(transcript, event);
      if (event instanceof SegmentsProduced p) {
        applied.add(p.getSegments().get(0).getWords().get(0).getText());
      }
      List<String> announced = words.subList(0, degradedSeen);
      if (transcript.complete()) {
        assertThat(applied).as("seed %d: complete with every batch word in", seed).containsAll(words);
      }
      if (update.isPresent() && update.get().getStatus() != null
          && "stt_recovered".equals(update.get().getStatus().getStatus())) {
        assertThat(applied).as("seed %d: stt_recovered after the batch words of announced episodes", seed)
            .containsAll(announced);
      }
      List<String> episodeStatuses = forwarded(transcript).stream().filter(s -> !s.equals("ready")).toList();
      for (int i = 0; i < episodeStatuses.size(); i++) {
        assertThat(episodeStatuses.get(i)).as("seed %d: forwarded %s", seed, episodeStatuses)
            .isEqualTo(i % 2 == 0 ? "stt_degraded" : "stt_recovered");
      }
    }
    assertThat(transcript.complete()).as("seed %d: complete at the end", seed).isTrue();
    assertThat(transcript.segments()).extracting(Segment::text).as("seed %d", seed)
        .containsExactlyElementsOf(words);
  }
}
