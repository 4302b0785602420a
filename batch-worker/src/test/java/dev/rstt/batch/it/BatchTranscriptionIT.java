package dev.rstt.batch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.StatusChanged;
import dev.rstt.emulator.DeepgramEmulator;
import dev.rstt.emulator.EmulatorSettings;
import dev.rstt.testsupport.ToneScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.springframework.context.ConfigurableApplicationContext;

/** A degraded session end to end on a real broker with the emulator: words, times, cuts, statuses, redelivery. */
class BatchTranscriptionIT {

  private static DeepgramEmulator emulator;
  private BatchHarness h;
  private ConfigurableApplicationContext worker;

  @BeforeAll
  static void startEmulator() {
    emulator = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0));
  }

  @AfterAll
  static void stopEmulator() {
    emulator.close();
  }

  @BeforeEach
  void start(TestInfo test) {
    h = new BatchHarness(test.getDisplayName());
    Map<String, String> props = h.workerProperties(emulator.httpUrl());
    props.put("rstt.batch.idle-flush", "2s");
    worker = h.startWorker(props);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void shouldTranscribeEveryWordOnceOnTheSessionTimelineAndRecoverAfterTheLastSegment() {
    int rate = 16000;
    String session = "01SESSIONTIMELINE0000000001";
    ToneScript script = ToneScript.random(new Random(11), rate, 70, 900);
    long episodeStart = 12_345 * 16L; // the degraded episode starts 12.345 s into the session
    List<AudioChunk> audio = h.chunks(session, script, episodeStart, 400, 100);
    long resume = episodeStart + script.sampleCount();
    List<SpecificRecord> records = new ArrayList<>(audio);
    records.add(BatchHarness.liveResumed(session, resume, rate, false));
    h.sendAll(session, records);

    await().atMost(Duration.ofSeconds(60)).until(() -> !h.statusesOf(session, "stt_recovered").isEmpty());

    List<ToneScript.ExpectedWord> expected = script.words().stream().map(w -> w.shifted(episodeStart)).toList();
    BatchHarness.assertWordsExactlyOnce(h.wordsOf(session), expected);

    List<SegmentsProduced> chunks = h.segmentsOf(session);
    assertThat(chunks).hasSizeGreaterThan(3); // about 40 s of audio in chunks of at least 5 s
    long covered = episodeStart;
    for (SegmentsProduced p : chunks.stream().sorted((a, b) -> Long.compare(a.getCoveredFromSamples(),
        b.getCoveredFromSamples())).toList()) {
      assertThat(p.getMode()).isEqualTo("batch");
      assertThat(p.getSeq()).isZero();
      assertThat(p.getCoveredFromSamples()).as("chunks tile the timeline").isEqualTo(covered);
      covered = p.getCoveredToSamples();
      for (ToneScript.ExpectedWord w : expected) {
        assertThat(p.getCoveredToSamples() <= w.startSample() || p.getCoveredToSamples() >= w.endSample())
            .as("chunk boundary %d cuts %s", p.getCoveredToSamples(), w.text()).isTrue();
      }
    }
    assertThat(covered).isEqualTo(resume);
    assertThat(chunks.stream().map(SegmentsProduced::getSttSession).distinct()).hasSameSizeAs(chunks);

    List<SpecificRecord> all = h.eventsOf(session);
    int recoveredAt = indexOf(all, "stt_recovered");
    int lastSegment = 0;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i) instanceof SegmentsProduced) {
        lastSegment = i;
      }
    }
    assertThat(recoveredAt).as("stt_recovered after the last degraded segment").isGreaterThan(lastSegment);
    StatusChanged recovered = h.statusesOf(session, "stt_recovered").get(0);
    assertThat(recovered.getDegradedDurationS()).isCloseTo((double) script.sampleCount() / rate,
        org.assertj.core.data.Offset.offset(0.001));
    assertThat(h.statusesOf(session, "stt_recovered")).hasSize(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> h.committedTotal() == records.size());
  }

  @Test
  void shouldIgnoreRedeliveredChunksAndFinishTheSession() {
    int rate = 8000;
    String session = "01SESSIONREDELIVERY00000001";
    ToneScript script = ToneScript.random(new Random(5), rate, 25, 600);
    List<AudioChunk> audio = h.chunks(session, script, 0, 0, 200);
    List<SpecificRecord> records = new ArrayList<>();
    for (int i = 0; i < audio.size(); i++) {
      records.add(audio.get(i));
      if (i % 7 == 3) {
        records.add(audio.get(i)); // redelivered by the STT worker: same seq, same offset
      }
      if (i % 11 == 5 && i > 2) {
        records.add(audio.get(i - 2)); // an older chunk again, already buffered or transcribed
      }
    }
    records.add(BatchHarness.sessionEnded(session, audio.size() - 1, script.sampleCount(), rate));
    h.sendAll(session, records);

    await().atMost(Duration.ofSeconds(60)).until(() -> !h.statusesOf(session, "batch_finished").isEmpty());
    BatchHarness.assertWordsExactlyOnce(h.wordsOf(session), script.words());
    List<SpecificRecord> all = h.eventsOf(session);
    assertThat(all.get(all.size() - 1)).isInstanceOf(StatusChanged.class);
    assertThat(worker.getBean(io.micrometer.core.instrument.MeterRegistry.class)
        .get("rstt.batch.records.duplicate").counter().count()).isEqualTo(records.size() - audio.size() - 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> h.committedTotal() == records.size());
  }

  @Test
  void shouldRecoverAColdTakeOverWithNothingBufferedAndFlushIdleSessions() {
    String cold = "01SESSIONCOLDTAKEOVER000001";
    h.sendAll(cold, List.of(BatchHarness.liveResumed(cold, 48_000, 16000, true)));
    await().atMost(Duration.ofSeconds(30)).until(() -> !h.statusesOf(cold, "stt_recovered").isEmpty());
    assertThat(h.statusesOf(cold, "stt_recovered").get(0).getDegradedDurationS()).isZero();
    assertThat(h.statusesOf(cold, "stt_recovered").get(0).getDegradedToSamples()).as("no degraded audio").isNull();
    assertThat(h.segmentsOf(cold)).isEmpty();

    // a session that just stops sending (no LiveResumed, no SessionEnded) is flushed after idle-flush (2 s here)
    String idle = "01SESSIONIDLE00000000000001";
    ToneScript script = ToneScript.numbered(16000, 100, 5, 2, 300);
    h.sendAll(idle, h.chunks(idle, script, 0, 0, 100));
    await().atMost(Duration.ofSeconds(30)).until(() -> h.wordsOf(idle).size() == 5);
    BatchHarness.assertWordsExactlyOnce(h.wordsOf(idle), script.words());
  }

  @Test
  void shouldDeadLetterAnUndecodableRecordAndCarryOn() throws Exception {
    String session = "01SESSIONPOISON000000000001";
    try (var raw = new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(
        new java.util.HashMap<>(h.broker.clientProperties()), new org.apache.kafka.common.serialization.StringSerializer(),
        new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(h.topics.audioDegraded().name(), session, new byte[] {1, 2, 3, 4})).get();
    }
    ToneScript script = ToneScript.numbered(16000, 200, 4, 1, 300);
    List<SpecificRecord> records = new ArrayList<>(h.chunks(session, script, 0, 0, 100));
    records.add(BatchHarness.sessionEnded(session, records.size() - 1, script.sampleCount(), 16000));
    h.sendAll(session, records);
    await().atMost(Duration.ofSeconds(30)).until(() -> !h.statusesOf(session, "batch_finished").isEmpty());
    BatchHarness.assertWordsExactlyOnce(h.wordsOf(session), script.words());
    Map<String, Object> c = new java.util.HashMap<>(h.broker.clientProperties());
    c.put("group.id", h.prefix + "dlt-reader");
    c.put("auto.offset.reset", "earliest");
    try (var dlt = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(c,
        new org.apache.kafka.common.serialization.StringDeserializer(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      dlt.subscribe(List.of(h.topics.audioDegraded().deadLetterName()));
      List<byte[]> got = new ArrayList<>();
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        dlt.poll(Duration.ofMillis(200)).forEach(r -> got.add(r.value()));
        return !got.isEmpty();
      });
      assertThat(got.get(0)).containsExactly(1, 2, 3, 4);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> h.committedTotal() == records.size() + 1);
  }

  @Test
  void shouldCloseEachEpisodeAndCutAtAGapOnTheTimeline() {
    int rate = 16000;
    String session = "01SESSIONEPISODES0000000001";
    // episode 1: [2 s, 2 s + d1), live resumes; episode 2 starts later on the timeline, with a lost range inside
    ToneScript first = ToneScript.random(new Random(31), rate, 12, 500);
    ToneScript second = ToneScript.random(new Random(32), rate, 10, 500);
    ToneScript third = ToneScript.random(new Random(33), rate, 10, 500);
    long e1 = 2L * rate;
    long resume1 = e1 + first.sampleCount();
    long e2 = resume1 + 20L * rate;
    long gapAt = e2 + second.sampleCount() + 3L * rate; // 3 s never rerouted: the worker must cut at the gap
    long resume2 = gapAt + third.sampleCount();
    List<SpecificRecord> records = new ArrayList<>(h.chunks(session, first, e1, 20, 100));
    records.add(BatchHarness.liveResumed(session, resume1, rate, false));
    records.addAll(h.chunks(session, second, e2, 500, 100));
    records.addAll(h.chunks(session, third, gapAt, 800, 100));
    records.add(BatchHarness.liveResumed(session, resume2, rate, false));
    h.sendAll(session, records);

    await().atMost(Duration.ofSeconds(60)).until(() -> h.statusesOf(session, "stt_recovered").size() == 2);
    List<ToneScript.ExpectedWord> expected = new ArrayList<>();
    first.words().forEach(w -> expected.add(w.shifted(e1)));
    second.words().forEach(w -> expected.add(w.shifted(e2)));
    third.words().forEach(w -> expected.add(w.shifted(gapAt)));
    BatchHarness.assertWordsExactlyOnce(h.wordsOf(session), expected);

    List<StatusChanged> recovered = h.statusesOf(session, "stt_recovered");
    assertThat(recovered.get(0).getDegradedDurationS()).isCloseTo((double) first.sampleCount() / rate,
        org.assertj.core.data.Offset.offset(0.001));
    assertThat(recovered.get(1).getDegradedDurationS()).isCloseTo((double) (resume2 - e2) / rate,
        org.assertj.core.data.Offset.offset(0.001));
    assertThat(h.segmentsOf(session)).anyMatch(p -> p.getCoveredToSamples() == e2 + second.sampleCount())
        .anyMatch(p -> p.getCoveredFromSamples() == gapAt)
        .noneMatch(p -> p.getCoveredFromSamples() < gapAt && p.getCoveredToSamples() > e2 + second.sampleCount());
    // each stt_recovered comes after every segment of its episode
    List<SpecificRecord> all = h.eventsOf(session);
    int firstRecovered = indexOf(all, "stt_recovered");
    int lastRecovered = all.lastIndexOf(recovered.get(1));
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i) instanceof SegmentsProduced p) {
        assertThat(i).as("segment before the second stt_recovered").isLessThan(lastRecovered);
        if (p.getCoveredToSamples() <= resume1) {
          assertThat(i).as("episode 1 segment before the first stt_recovered").isLessThan(firstRecovered);
        }
      }
    }
  }

  /**
   * A recovery connection was sent the overlap before the resume offset S and died before finalising the word
   * that S cuts: the next episode begins with that overlap again (CONTRACT.md section 4). The batch worker must
   * transcribe it as the new episode's audio, not drop it as a redelivery, or the cut word is lost.
   */
  @Test
  void shouldTranscribeANewEpisodesAudioThatBeginsBeforeTheLastResumeOffset() {
    int rate = 16000;
    String session = "01SESSIONOVERLAP00000000001";
    ToneScript script = ToneScript.numbered(rate, 300, 14, 1, 300);
    List<AudioChunk> audio = h.chunks(session, script, 0, 0, 100);
    ToneScript.ExpectedWord cut = script.words().get(6);
    int resumeChunk = (int) (cut.startSample() / 1600) + 1; // the first 100 ms chunk starting inside the word
    long resume = audio.get(resumeChunk).getOffsetSamples();
    assertThat(resume).as("the switch point cuts %s", cut.text()).isStrictlyBetween(cut.startSample(),
        cut.endSample());
    List<SpecificRecord> records = new ArrayList<>(audio.subList(0, resumeChunk));
    records.add(BatchHarness.liveResumed(session, resume, rate, false));
    records.addAll(audio.subList(resumeChunk - 10, audio.size())); // the 1 s overlap again, then the rest
    records.add(BatchHarness.sessionEnded(session, audio.size() - 1, script.sampleCount(), rate));
    h.sendAll(session, records);

    await().atMost(Duration.ofSeconds(60)).until(() -> !h.statusesOf(session, "batch_finished").isEmpty());
    BatchHarness.assertWordsExactlyOnce(h.dedupedWordsOf(session), script.words());
    StatusChanged recovered = h.statusesOf(session, "stt_recovered").get(0);
    assertThat(recovered.getAtOffsetSamples()).isEqualTo(resume);
    assertThat(recovered.getDegradedToSamples()).as("degraded audio of the first episode").isEqualTo(resume);
    assertThat(h.statusesOf(session, "batch_finished").get(0).getDegradedToSamples())
        .isEqualTo((long) script.sampleCount());

    // A cold take-over that resumed live before the audio the previous owner rerouted (its committed offset
    // lagged): stt_recovered says how far the degraded audio went, so the merger closes that episode.
    String cold = "01SESSIONCOLDBEHIND00000001";
    ToneScript rerouted = ToneScript.numbered(rate, 400, 3, 2, 300);
    List<SpecificRecord> coldRecords = new ArrayList<>(h.chunks(cold, rerouted, rate, 10, 100));
    coldRecords.add(BatchHarness.liveResumed(cold, rate / 2, rate, true));
    h.sendAll(cold, coldRecords);
    await().atMost(Duration.ofSeconds(60)).until(() -> !h.statusesOf(cold, "stt_recovered").isEmpty());
    StatusChanged coldRecovered = h.statusesOf(cold, "stt_recovered").get(0);
    assertThat(coldRecovered.getAtOffsetSamples()).isEqualTo(rate / 2);
    assertThat(coldRecovered.getDegradedToSamples()).isEqualTo(rate + (long) rerouted.sampleCount());
    await().atMost(Duration.ofSeconds(10)).until(() -> h.committedTotal() == records.size() + coldRecords.size());
  }

  private static int indexOf(List<SpecificRecord> all, String status) {
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i) instanceof StatusChanged s && status.equals(s.getStatus())) {
        return i;
      }
    }
    return -1;
  }
}
