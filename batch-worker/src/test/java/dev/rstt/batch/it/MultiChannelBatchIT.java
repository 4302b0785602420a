package dev.rstt.batch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.LiveResumed;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Two channels of one session degraded at once (docs/CONTRACT.md section 11): each channel its own episode and its
 * own batch chunks, named to Deepgram by {@code extra=channel:<id>}; one channel recovers while the other is still
 * degraded.
 */
class MultiChannelBatchIT {

  @Test
  void shouldTranscribeEachChannelsDegradedAudioInItsOwnEpisode(TestInfo test) {
    try (DeepgramEmulator emulator = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0));
        BatchHarness h = new BatchHarness(test.getDisplayName())) {
      Map<String, String> props = h.workerProperties(emulator.httpUrl());
      props.put("rstt.batch.idle-flush", "2s");
      h.startWorker(props);
      int rate = 16000;
      String session = "01SESSIONTWOCHANNELS0000001";
      ToneScript micScript = ToneScript.random(new Random(21), rate, 20, 900);
      ToneScript remoteScript = ToneScript.random(new Random(22), rate, 20, 900);
      long episodeStart = 3_000 * 16L;
      List<AudioChunk> mic = onChannel(h.chunks(session, micScript, episodeStart, 30, 100), 1);
      List<AudioChunk> remote = onChannel(h.chunks(session, remoteScript, episodeStart, 30, 100), 2);
      List<SpecificRecord> records = new ArrayList<>();
      for (int i = 0; i < Math.max(mic.size(), remote.size()); i++) { // interleaved, as one partition holds them
        if (i < mic.size()) {
          records.add(mic.get(i));
        }
        if (i < remote.size()) {
          records.add(remote.get(i));
        }
      }
      records.add(resumed(session, episodeStart + micScript.sampleCount(), rate, 1));
      h.sendAll(session, records);

      await().atMost(Duration.ofSeconds(60)).until(() -> recovered(h, session, 1));
      assertThat(recovered(h, session, 2)).as("channel 2's episode is still open").isFalse();
      h.sendAll(session, List.of(resumed(session, episodeStart + remoteScript.sampleCount(), rate, 2)));
      await().atMost(Duration.ofSeconds(60)).until(() -> recovered(h, session, 2));

      for (int channel = 1; channel <= 2; channel++) {
        ToneScript script = channel == 1 ? micScript : remoteScript;
        int c = channel;
        List<BatchHarness.PublishedWord> words = new ArrayList<>();
        for (SegmentsProduced p : h.segmentsOf(session)) {
          if (p.getChannel() == c) {
            p.getSegments().forEach(s -> {
              assertThat(s.getIsUser()).as("is_user as omi sets it").isEqualTo(c == 1);
              assertThat(s.getSpeaker()).isEqualTo(c == 1 ? "SPEAKER_00" : "SPEAKER_01");
              s.getWords().forEach(w -> words.add(new BatchHarness.PublishedWord(
                  w.getText().replaceAll("[^A-Za-z0-9]", "").toLowerCase(), w.getStart(), w.getEnd(),
                  p.getSttSession())));
            });
          }
        }
        BatchHarness.assertWordsExactlyOnce(words,
            script.words().stream().map(w -> w.shifted(episodeStart)).toList());
        StatusChanged recovered = h.statusesOf(session, "stt_recovered").stream().filter(s -> s.getChannel() == c)
            .findFirst().orElseThrow();
        assertThat(recovered.getMetadata()).containsEntry("channel", String.valueOf(c));
      }
      List<String> extras = emulator.requests().stream().filter(r -> r.kind().equals("prerecorded"))
          .flatMap(r -> r.query().getOrDefault("extra", List.of()).stream()).distinct().sorted().toList();
      assertThat(extras).containsExactly("channel:1", "channel:2");
    }
  }

  private static List<AudioChunk> onChannel(List<AudioChunk> chunks, int channel) {
    chunks.forEach(c -> c.setChannel(channel));
    return chunks;
  }

  private static LiveResumed resumed(String session, long offset, int rate, int channel) {
    LiveResumed r = BatchHarness.liveResumed(session, offset, rate, false);
    r.setChannel(channel);
    return r;
  }

  private static boolean recovered(BatchHarness h, String session, int channel) {
    return h.statusesOf(session, "stt_recovered").stream().anyMatch(s -> s.getChannel() == channel);
  }
}
