package dev.rstt.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.rstt.emulator.recognizer.Fragments;
import dev.rstt.testsupport.ToneScript;
import dev.rstt.testsupport.ToneScript.ExpectedWord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The official JavaScript SDK against an emulator with every realism feature on (drift, fragments, every final late
 * and split), fed audio that starts and ends inside words: the SDK still connects, parses every message, sees the
 * Finalize reply, Metadata and the 1000 close, and its pre-recorded call parses fragments.
 */
class JsSdkRealismConformanceIT {

  static final int RATE = 16000;
  static final Realism REALISM = Realism.on(21).withLateFinals(1.0, Duration.ofMillis(1000)).withSplitFinals(1.0);
  static DeepgramEmulator emulator;
  static ToneScript live;
  static long liveCut;
  static ToneScript batch;
  static long batchCut;
  static JsonNode observed;

  @BeforeAll
  static void runSdk(@TempDir Path dir) throws Exception {
    emulator = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0).withApiKeys(Set.of("sdk-key"))
        .withRealism(REALISM));
    live = ToneScript.builder(RATE).silence(200).word(2, "314").silence(400).word(1, "042").silence(400)
        .word(3, "917").silence(400).word(0, "555").silence(60).build();
    liveCut = FragmentRecognitionTest.toneStart(live.words().get(0), 1) + 200; // inside "314"'s second tone
    byte[] pcm = live.pcm();
    batch = ToneScript.builder(RATE).silence(150).word(2, "123").silence(200).word(2, "456").silence(1000)
        .word(1, "789").silence(300).build();
    batchCut = FragmentRecognitionTest.toneStart(batch.words().get(0), 1) + 100;
    long batchEnd = FragmentRecognitionTest.toneStart(batch.words().get(2), 2) + 300; // after "789"'s second tone
    byte[] body = RealismIT.wav(Arrays.copyOfRange(batch.pcm(), (int) batchCut * 2, (int) batchEnd * 2), RATE);
    observed = JsSdk.run(emulator, dir, Arrays.copyOfRange(pcm, (int) liveCut * 2, pcm.length), body, RATE,
        "realism");
  }

  @AfterAll
  static void stop() {
    if (emulator != null) {
      emulator.close();
    }
  }

  static List<JsonNode> words(JsonNode results) {
    return JsSdk.list(results.get("channel").get("alternatives").get(0).get("words"));
  }

  @Test
  void shouldDeliverLateAndSplitFinalsWithAFragmentThroughTheSdkAndStillCloseWithMetadataAnd1000() {
    JsonNode seen = observed.get("live");
    List<JsonNode> messages = JsSdk.list(seen.get("messages"));
    List<JsonNode> finals = messages.stream().filter(m -> m.get("type").stringValue().equals("Results")
        && m.get("is_final").booleanValue()).toList();
    int replyAt = -1;
    for (int i = 0; i < finals.size(); i++) {
      if (finals.get(i).get("from_finalize").booleanValue()) {
        assertThat(replyAt).as("one Finalize reply").isEqualTo(-1);
        replyAt = i;
      }
    }
    assertThat(replyAt).isNotNegative();
    double replyStart = finals.get(replyAt).get("start").doubleValue();
    assertThat(finals.subList(replyAt + 1, finals.size()))
        .as("a late final, for earlier audio, arrives after the Finalize reply")
        .anySatisfy(f -> assertThat(f.get("start").doubleValue()).isLessThan(replyStart));

    List<JsonNode> byStart = new ArrayList<>(finals);
    byStart.sort(Comparator.comparingDouble(f -> f.get("start").doubleValue()));
    double cursor = 0;
    List<JsonNode> words = new ArrayList<>();
    for (JsonNode f : byStart) {
      assertThat(f.get("start").doubleValue()).as("windows tile the stream").isCloseTo(cursor, offset(1e-9));
      cursor = f.get("start").doubleValue() + f.get("duration").doubleValue();
      words.addAll(words(f));
    }
    double duration = (live.sampleCount() - liveCut) / (double) RATE;
    assertThat(cursor).isCloseTo(duration, offset(1e-6));
    assertThat(finals.size()).as("finals split across results").isGreaterThan(words.size());

    assertThat(words).extracting(w -> w.get("word").stringValue()).containsExactly("14", "w042", "w917", "w555");
    assertThat(Fragments.isFragment(words.get(0).get("word").stringValue())).isTrue();
    assertThat(words.get(0).get("confidence").doubleValue()).isLessThan(0.5);
    for (int i = 1; i < 4; i++) {
      ExpectedWord expected = live.words().get(i).shifted(-liveCut);
      assertThat(words.get(i).get("start").doubleValue()).isCloseTo(expected.start(), offset(0.040 + 0.015));
      assertThat(words.get(i).get("confidence").doubleValue()).isGreaterThanOrEqualTo(0.9);
    }
    JsonNode last = messages.get(messages.size() - 1);
    assertThat(last.get("type").stringValue()).isEqualTo("Metadata");
    assertThat(seen.get("close").get("code").intValue()).isEqualTo(1000);
    assertThat(seen.get("opens").intValue()).isEqualTo(1);
  }

  @Test
  void shouldStillRefuseABadKeyAndCloseOnAFaultWithRealismOn() {
    assertThat(observed.get("badKey").get("opens").intValue()).isZero();
    assertThat(observed.get("badKey").get("errors").toString() + observed.get("badKey").get("close")).contains("401");
    assertThat(observed.get("faultClose").get("close").get("code").intValue()).isEqualTo(1011);
    assertThat(observed.get("faultClose").get("opens").intValue()).isEqualTo(1);
  }

  @Test
  void shouldAnswerTheSdksPrerecordedRequestWithFragmentsAtBothCutEdges() {
    for (String scenario : List.of("prerecordedEnvironment", "prerecordedBaseUrl")) {
      JsonNode alt = observed.get(scenario).get("results").get("channels").get(0).get("alternatives").get(0);
      List<JsonNode> words = JsSdk.list(alt.get("words"));
      assertThat(words).extracting(w -> w.get("word").stringValue()).containsExactly("23", "w456", "w7");
      assertThat(words.get(1).get("start").doubleValue())
          .isCloseTo(batch.words().get(1).shifted(-batchCut).start(), offset(0.040 + 0.015));
      assertThat(words.get(0).get("confidence").doubleValue()).isLessThan(0.5);
      assertThat(words.get(2).get("confidence").doubleValue()).isLessThan(0.5);
      assertThat(alt.get("transcript").stringValue()).isEqualTo("23. W456. W7."); // a speaker change ends each
      assertThat(observed.get(scenario).get("results").get("utterances")).isNotEmpty();
    }
  }
}
