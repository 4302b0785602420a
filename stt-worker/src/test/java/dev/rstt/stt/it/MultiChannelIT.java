package dev.rstt.stt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.f4b6a3.ulid.UlidCreator;
import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.LiveResumed;
import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.StatusChanged;
import dev.rstt.stt.it.Harness.GatewaySession;
import dev.rstt.stt.it.Harness.Heard;
import dev.rstt.testsupport.ToneScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A two-channel session (docs/CONTRACT.md section 11): each channel its own live stream, named to Deepgram by
 * {@code extra=channel:<id>}; a Deepgram outage scoped to channel 2's stream degrades channel 2 only.
 */
class MultiChannelIT {

  @Test
  void shouldTranscribeEachChannelOnItsOwnStreamAndDegradeOnlyTheChannelWhoseStreamFailed() throws Exception {
    try (Harness h = new Harness("channels", 2)) {
      ConfigurableApplicationContext worker = h.startWorker(Map.of());
      String id = UlidCreator.getMonotonicUlid().toString();
      ToneScript micScript = Scripts.words(100, 24, 300);
      ToneScript remoteScript = Scripts.words(500, 24, 300);
      GatewaySession mic = h.channel(id, 1, micScript);
      GatewaySession remote = h.channel(id, 2, remoteScript);
      mic.start();
      int third = Math.min(mic.chunks.size(), remote.chunks.size()) / 3;
      mic.sendUntil(third);
      remote.sendUntil(third);
      await().atMost(Duration.ofSeconds(20)).until(() -> words(h, id, 1).size() >= 4 && words(h, id, 2).size() >= 4);

      h.putFaults("{\"match\":{\"extra\":\"channel:2\"},\"live\":{\"close_after_ms\":1,\"close_code\":1011}}");
      await().atMost(Duration.ofSeconds(10))
          .until(() -> LiveSessionIT.gauge(worker, "rstt.stt.sessions.degraded") == 1);
      mic.sendUntil(2 * third);
      remote.sendUntil(2 * third); // channel 2's audio while its stream is down
      await().atMost(Duration.ofSeconds(10)).until(() -> statusNames(h, id, 2).contains("stt_degraded"));
      long channel2Opened = liveOpened(h, 2);
      h.clearFaults();
      // channel 2's recovery connection open before the session ends (a session that ends while its recovery
      // connects gives the recovery up: no LiveResumed, no live_finished for channel 2)
      await().atMost(Duration.ofSeconds(30)).until(() -> liveOpened(h, 2) > channel2Opened);
      mic.end();
      remote.end();
      await().atMost(Duration.ofSeconds(30)).until(() -> statusNames(h, id, 1).contains("live_finished")
          && statusNames(h, id, 2).contains("live_finished"));

      assertThat(statusNames(h, id, 1)).as("channel 1's stream never failed").containsExactly("ready",
          "live_finished");
      StatusChanged degraded = statuses(h, id, 2).stream().filter(s -> s.getStatus().equals("stt_degraded"))
          .findFirst().orElseThrow();
      assertThat(degraded.getMetadata()).containsEntry("channel", "2");
      assertThat(h.statuses(id)).allSatisfy(s -> assertThat(s.getChannel()).isIn(1, 2));

      List<AudioChunk> rerouted = h.rerouted(id);
      assertThat(rerouted).isNotEmpty().allSatisfy(c -> assertThat(c.getChannel()).isEqualTo(2));
      assertThat(h.liveResumed(id)).singleElement().extracting(LiveResumed::getChannel).isEqualTo(2);

      List<Heard> micWords = words(h, id, 1);
      assertThat(micWords).extracting(Heard::text).containsExactlyElementsOf(
          micScript.words().stream().map(ToneScript.ExpectedWord::text).toList());
      for (int i = 0; i < micWords.size(); i++) {
        assertThat(micWords.get(i).start()).isCloseTo(micScript.words().get(i).start(), LiveSessionIT.within50ms());
      }
      LiveSessionIT.assertEveryWordExactlyOnce(remoteScript, words(h, id, 2), h.batchWords(id));

      List<SegmentsProduced> produced = h.segments(id);
      assertThat(produced).allSatisfy(sp -> sp.getSegments().forEach(seg -> {
        assertThat(seg.getIsUser()).as("is_user as omi sets it").isEqualTo(sp.getChannel() == 1);
        assertThat(seg.getSpeaker()).isEqualTo(sp.getChannel() == 1 ? "SPEAKER_00" : "SPEAKER_01");
      }));
      List<String> extras = h.emulator.requests().stream().filter(r -> r.kind().equals("live"))
          .flatMap(r -> r.query().getOrDefault("extra", List.of()).stream()).distinct().sorted().toList();
      assertThat(extras).containsExactly("channel:1", "channel:2");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          h.committedVsEnd().values().forEach(v -> assertThat(v[0]).isEqualTo(v[1])));
    }
  }

  /** Live connections of {@code channel} the emulator accepted so far. */
  private static long liveOpened(Harness h, int channel) {
    return h.emulator.requests().stream().filter(r -> r.kind().equals("live") && r.status() == 101)
        .filter(r -> r.query().getOrDefault("extra", List.of()).contains("channel:" + channel)).count();
  }

  private static List<StatusChanged> statuses(Harness h, String id, int channel) {
    return h.statuses(id).stream().filter(s -> s.getChannel() == channel).toList();
  }

  private static List<String> statusNames(Harness h, String id, int channel) {
    return statuses(h, id, channel).stream().map(StatusChanged::getStatus).toList();
  }

  private static List<Heard> words(Harness h, String id, int channel) {
    List<Heard> out = new ArrayList<>();
    for (SegmentsProduced sp : h.segments(id)) {
      if (sp.getChannel() == channel) {
        sp.getSegments().forEach(seg -> seg.getWords().forEach(w -> out.add(new Heard(Harness.norm(w.getText()),
            w.getStart(), w.getEnd(), sp.getSttSession(), seg.getSpeaker()))));
      }
    }
    return out;
  }
}
