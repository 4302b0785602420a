package dev.rstt.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.emulator.Realism;
import dev.rstt.emulator.recognizer.RecognizedWord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The pure core of a live socket, driven with recognized words and stream positions (no audio, no socket). */
class LiveTranscriptTest {

  static final int RATE = 16000;
  static final ListenParams PARAMS = ListenParams.parse(
      "/v1/listen?encoding=linear16&sample_rate=16000&punctuate=true&diarize=true&endpointing=100");

  static LiveTranscript core(Realism realism) {
    return new LiveTranscript(PARAMS, RATE, "req-1", new Imperfections(realism, Imperfections.Path.LIVE),
        new Stats());
  }

  static long ms(long ms) {
    return ms * RATE / 1000;
  }

  static RecognizedWord word(String text, long startMs) {
    return new RecognizedWord(text, 1, ms(startMs), ms(startMs + 260), RATE);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> words(Map<String, Object> results) {
    Map<String, Object> channel = (Map<String, Object>) results.get("channel");
    Map<String, Object> alt = ((List<Map<String, Object>>) channel.get("alternatives")).get(0);
    return (List<Map<String, Object>>) alt.get("words");
  }

  static List<String> texts(List<Map<String, Object>> messages) {
    List<String> out = new ArrayList<>();
    messages.forEach(m -> words(m).forEach(w -> out.add((String) w.get("word"))));
    return out;
  }

  static double start(Map<String, Object> m) {
    return (Double) m.get("start");
  }

  static double end(Map<String, Object> m) {
    return (Double) m.get("start") + (Double) m.get("duration");
  }

  /** Three words, each endpointed 100 ms after it ends, then a word flushed by Finalize, then CloseStream. */
  static List<Map<String, Object>> script(LiveTranscript core) {
    List<Map<String, Object>> out = new ArrayList<>();
    long[] starts = {200, 700, 1200};
    for (int i = 0; i < 3; i++) {
      out.addAll(core.word(word(String.format("w%03d", i), starts[i]), ms(starts[i] + 268), true));
      out.addAll(core.endpoint(ms(starts[i] + 360), ms(starts[i] + 360)));
      out.addAll(core.release(ms(starts[i] + 400)));
    }
    out.addAll(core.word(word("w003", 1700), ms(1968), true));
    out.addAll(core.finalizeNow(ms(1990), ms(1990)));
    out.addAll(core.closeStream(ms(2300)));
    return out;
  }

  @Test
  void shouldSendOneExactFinalPerEndpointThenTheFinalizeReplyWhenRealismIsOff() {
    List<Map<String, Object>> out = script(core(Realism.OFF));
    assertThat(out).hasSize(5);
    assertThat(texts(out)).containsExactly("w000", "w001", "w002", "w003");
    assertThat(out).extracting(m -> m.get("from_finalize")).containsExactly(false, false, false, true, false);
    assertThat(out).extracting(m -> m.get("speech_final")).containsExactly(true, true, true, false, true);
    double cursor = 0;
    for (Map<String, Object> m : out) {
      assertThat(start(m)).isEqualTo(cursor);
      cursor = end(m);
    }
    Map<String, Object> first = words(out.get(0)).get(0);
    assertThat(first.get("start")).isEqualTo(0.2);
    assertThat(first.get("confidence")).isEqualTo(0.99);
    assertThat(first.get("punctuated_word")).isEqualTo("W000.");
  }

  @Test
  void shouldHoldALateFinalUntilMoreAudioArrivedOrAfterTheFinalizeReply() {
    Realism late = Realism.on(1).withLateFinals(1.0, Duration.ofMillis(600));
    LiveTranscript core = core(late);
    assertThat(core.word(word("w000", 200), ms(468), true)).isEmpty();
    assertThat(core.endpoint(ms(560), ms(560))).as("held").isEmpty();
    assertThat(core.release(ms(1100))).as("600 ms of audio not yet there").isEmpty();
    List<Map<String, Object>> released = core.release(ms(1160));
    assertThat(texts(released)).containsExactly("w000");
    assertThat(start(released.get(0))).isZero();

    core.word(word("w001", 1200), ms(1468), true);
    assertThat(core.endpoint(ms(1560), ms(1560))).isEmpty();
    core.word(word("w002", 1700), ms(1968), true);
    List<Map<String, Object>> finalize = core.finalizeNow(ms(1990), ms(1990));
    assertThat(finalize).hasSize(2);
    assertThat(finalize.get(0).get("from_finalize")).as("the Finalize reply comes first").isEqualTo(true);
    assertThat(texts(finalize.subList(0, 1))).containsExactly("w002");
    assertThat(finalize.get(1).get("from_finalize")).isEqualTo(false);
    assertThat(texts(finalize.subList(1, 2))).as("then the late final, for earlier audio").containsExactly("w001");
    assertThat(start(finalize.get(1))).isLessThan(start(finalize.get(0)));
  }

  @Test
  void shouldSendHeldFinalsAfterTheCloseStreamFinal() {
    LiveTranscript core = core(Realism.on(1).withLateFinals(1.0, Duration.ofSeconds(10)));
    core.word(word("w000", 200), ms(468), true);
    core.endpoint(ms(560), ms(560));
    core.word(word("w001", 700), ms(968), true);
    List<Map<String, Object>> out = core.closeStream(ms(1000));
    assertThat(texts(out)).containsExactly("w001", "w000");
    assertThat(out).extracting(m -> m.get("speech_final")).containsExactly(true, true);
  }

  @Test
  void shouldSplitAFinalIntoResultsWhoseWindowsTileItAndKeepEachWordInsideItsWindow() {
    Stats stats = new Stats();
    LiveTranscript core = new LiveTranscript(PARAMS, RATE, "req-1",
        new Imperfections(Realism.on(4).withSplitFinals(1.0), Imperfections.Path.LIVE), stats);
    core.word(word("w000", 200), ms(468), true);
    core.word(word("w001", 600), ms(868), true);
    core.word(word("w002", 1000), ms(1268), true);
    List<Map<String, Object>> out = core.finalizeNow(ms(1300), ms(1300));
    assertThat(out.size()).isBetween(2, 3);
    assertThat(texts(out)).containsExactly("w000", "w001", "w002");
    double cursor = 0;
    for (int i = 0; i < out.size(); i++) {
      Map<String, Object> m = out.get(i);
      assertThat(start(m)).isEqualTo(cursor);
      cursor = end(m);
      assertThat(m.get("is_final")).isEqualTo(true);
      assertThat(m.get("from_finalize")).isEqualTo(i == out.size() - 1);
      for (Map<String, Object> w : words(m)) {
        assertThat((Double) w.get("start")).isBetween(start(m) - 0.05, end(m));
      }
    }
    assertThat(cursor).isEqualTo(1.3);
    assertThat(stats.splitFinals.get()).isEqualTo(1);

    // a lone endpointed word: the word's final and an empty one after it; speech_final on the last only
    core.word(word("w003", 1500), ms(1768), true);
    List<Map<String, Object>> lone = core.endpoint(ms(1860), ms(1860));
    assertThat(lone).hasSize(2);
    assertThat(texts(lone)).containsExactly("w003");
    assertThat(words(lone.get(1))).isEmpty();
    assertThat(lone).extracting(m -> m.get("speech_final")).containsExactly(false, true);
    assertThat(words(lone.get(0)).get(0).get("punctuated_word")).as("the sentence (begun before the Finalize reply) ends at the word")
        .isEqualTo("w003.");
  }

  @Test
  void shouldGiveTheSameMessagesForTheSameSeedAndInputs() {
    Realism r = Realism.on(77).withLateFinals(0.5, Duration.ofMillis(300)).withSplitFinals(0.5);
    String a = script(core(r)).stream().map(Json::write).collect(Collectors.joining("\n"));
    String b = script(core(r)).stream().map(Json::write).collect(Collectors.joining("\n"));
    String other = script(core(r.withSeed(78))).stream().map(Json::write).collect(Collectors.joining("\n"));
    assertThat(a).isEqualTo(b).isNotEqualTo(other);
  }

  @Test
  void shouldReportAFragmentWithLowConfidenceAndCountIt() {
    Stats stats = new Stats();
    LiveTranscript core = new LiveTranscript(PARAMS, RATE, "req-1",
        new Imperfections(Realism.on(2), Imperfections.Path.LIVE), stats);
    core.word(new RecognizedWord("42", 0, 0, ms(110), RATE, true), ms(140), true);
    core.word(word("w917", 400), ms(668), true);
    List<Map<String, Object>> out = core.endpoint(ms(760), ms(760));
    List<Map<String, Object>> words = words(out.get(0));
    assertThat(words).extracting(w -> w.get("word")).containsExactly("42", "w917");
    assertThat((Double) words.get(0).get("confidence")).isLessThan(0.5);
    assertThat((Double) words.get(1).get("confidence")).isGreaterThan(0.89);
    assertThat(stats.fragments.get()).isEqualTo(1);
  }
}
