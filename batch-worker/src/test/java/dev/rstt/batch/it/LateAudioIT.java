package dev.rstt.batch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.avro.AudioChunk;
import dev.rstt.emulator.DeepgramEmulator;
import dev.rstt.emulator.EmulatorSettings;
import dev.rstt.testsupport.ToneScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Audio that stops in the middle of a word and resumes long after {@code idle-flush} (what a broker stall looks
 * like from here): the idle flush delivers the words before the last silence and holds the half word, which is
 * transcribed whole once the rest arrives. Cutting it in two on idle lost it.
 */
class LateAudioIT {

  private DeepgramEmulator emulator;
  private BatchHarness h;

  @BeforeEach
  void start(TestInfo test) {
    emulator = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0));
    h = new BatchHarness(test.getDisplayName());
  }

  @AfterEach
  void stop() {
    h.close();
    emulator.close();
  }

  @Test
  void shouldNotCutAWordInTwoWhenItsRestArrivesAfterIdleFlush() {
    Map<String, String> props = h.workerProperties(emulator.httpUrl());
    props.put("rstt.batch.idle-flush", "500ms");
    h.startWorker(props);
    String session = "01SESSIONLATEAUDIO00000001";
    ToneScript script = ToneScript.numbered(16000, 1, 3, 0, 400);
    List<AudioChunk> chunks = h.chunks(session, script, 0, 0, 20);
    ToneScript.ExpectedWord second = script.words().get(1);
    int midWord = (int) ((second.startSample() + second.endSample()) / 2 / 320); // 20 ms chunks of 320 frames
    h.sendAll(session, chunks.subList(0, midWord));

    await("the first word, cut at the silence after it").atMost(Duration.ofSeconds(30))
        .until(() -> h.wordsOf(session).size() == 1);
    await("the half word held through several idle periods, not cut").during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5)).until(() -> h.segmentsOf(session).stream()
            .allMatch(p -> p.getCoveredToSamples() <= second.startSample()));

    List<SpecificRecord> rest = new ArrayList<>(chunks.subList(midWord, chunks.size()));
    rest.add(BatchHarness.sessionEnded(session, chunks.size() - 1, script.sampleCount(), 16000));
    h.sendAll(session, rest);
    await().atMost(Duration.ofSeconds(30)).until(() -> !h.statusesOf(session, "batch_finished").isEmpty());
    BatchHarness.assertWordsExactlyOnce(h.wordsOf(session), script.words());
    assertThat(h.wordsOf(session)).extracting(BatchHarness.PublishedWord::text).containsExactly("w001", "w002", "w003");
  }
}
