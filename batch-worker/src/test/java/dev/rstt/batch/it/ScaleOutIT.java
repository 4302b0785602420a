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
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * A second instance joins the group mid-session (cooperative rebalance): partitions move with their audio
 * buffered, the new owner re-reads from the committed offset, and no word is lost (copies of re-read audio are
 * what the merger drops by time).
 */
class ScaleOutIT {

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
  void shouldLoseNoWordWhenPartitionsMoveToANewInstance() throws Exception {
    Map<String, String> props = h.workerProperties(emulator.httpUrl());
    props.put("rstt.batch.idle-flush", "5m");
    h.startWorker(props);
    int rate = 16000;
    List<String> sessions = List.of("01SESSIONSCALE0000000000001", "01SESSIONSCALE0000000000002",
        "01SESSIONSCALE0000000000003", "01SESSIONSCALE0000000000004");
    List<ToneScript> scripts = new ArrayList<>();
    List<List<AudioChunk>> audio = new ArrayList<>();
    for (int i = 0; i < sessions.size(); i++) {
      ToneScript script = ToneScript.random(new Random(500 + i), rate, 30, 600);
      scripts.add(script);
      List<AudioChunk> chunks = h.chunks(sessions.get(i), script, 0, 0, 100);
      audio.add(chunks);
      h.sendAll(sessions.get(i), chunks.subList(0, chunks.size() / 2));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> sessions.stream().allMatch(s -> !h.segmentsOf(s).isEmpty()));

    h.startWorker(props); // the group rebalances: some partitions move, with audio buffered on the first instance
    for (int i = 0; i < sessions.size(); i++) {
      List<AudioChunk> chunks = audio.get(i);
      List<SpecificRecord> rest = new ArrayList<>(chunks.subList(chunks.size() / 2, chunks.size()));
      rest.add(BatchHarness.sessionEnded(sessions.get(i), chunks.size() - 1, scripts.get(i).sampleCount(), rate));
      h.sendAll(sessions.get(i), rest);
    }
    await().atMost(Duration.ofSeconds(60)).until(() ->
        sessions.stream().allMatch(s -> !h.statusesOf(s, "batch_finished").isEmpty()));
    for (int i = 0; i < sessions.size(); i++) {
      BatchHarness.assertWordsExactlyOnce(h.dedupedWordsOf(sessions.get(i)), scripts.get(i).words());
    }
    long total = audio.stream().mapToLong(a -> a.size() + 1).sum();
    await().atMost(Duration.ofSeconds(15)).until(() -> h.committedTotal() == total);
    assertThat(h.committedTotal()).isEqualTo(total);
  }
}
