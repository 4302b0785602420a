package dev.rstt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.testsupport.ToneScript.ExpectedWord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The invariants of docs/CONTRACT.md (sections 3-6), checked word by word on what an app (or the transcript endpoint)
 * holds: every spoken word exactly once, in spoken order, inside a segment that covers its true time within
 * 50 ms, every segment tagged with one stt_session. Words of a script must be distinct (ToneScript.numbered).
 */
final class TranscriptCheck {

  static final double TOLERANCE_S = 0.050;

  private TranscriptCheck() {
  }

  record Placed(String word, double segmentStart, double segmentEnd, String segmentId, String sttSession) {
  }

  /**
   * With the emulator's realism on, every reported time may be off by the configured per-path drift (its offset
   * plus jitter, 40 ms by default): the segment bounds are checked within that plus 50 ms.
   */
  static final double REALISM_TOLERANCE_S = 0.040 + TOLERANCE_S;

  static void assertEveryWordOnceInOrder(List<ExpectedWord> expected, List<JsonNode> segments) {
    assertEveryWordOnceInOrder(expected, segments, TOLERANCE_S);
  }

  static void assertEveryWordOnceInOrder(List<ExpectedWord> expected, List<JsonNode> segments, double tolerance) {
    List<JsonNode> ordered = new ArrayList<>(segments);
    ordered.sort(Comparator.comparingDouble(s -> s.path("start").asDouble()));
    List<Placed> heard = new ArrayList<>();
    for (JsonNode segment : ordered) {
      assertThat(segment.path("stt_session").asString(""))
          .as("segment %s carries its stt_session", segment.path("id").asString()).isNotBlank();
      for (String token : segment.path("text").asString().split("\\s+")) {
        String word = token.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
        if (!word.isEmpty()) {
          heard.add(new Placed(word, segment.path("start").asDouble(), segment.path("end").asDouble(),
              segment.path("id").asString(), segment.path("stt_session").asString()));
        }
      }
    }
    Map<String, Integer> counts = new HashMap<>();
    heard.forEach(p -> counts.merge(p.word(), 1, Integer::sum));
    List<String> expectedTexts = expected.stream().map(ExpectedWord::text).toList();
    assertThat(counts).as("words heard (each exactly once, none extra)")
        .containsOnlyKeys(expectedTexts)
        .allSatisfy((word, count) -> assertThat(count).as("occurrences of %s", word).isEqualTo(1));
    assertThat(counts.keySet()).as("no spoken word lost").containsExactlyInAnyOrderElementsOf(expectedTexts);
    assertThat(heard.stream().map(Placed::word).toList()).as("spoken order").containsExactlyElementsOf(expectedTexts);
    Map<String, ExpectedWord> byText = new HashMap<>();
    expected.forEach(w -> byText.put(w.text(), w));
    for (Placed p : heard) {
      ExpectedWord truth = byText.get(p.word());
      assertThat(p.segmentStart()).as("segment of %s starts by the word's start", p.word())
          .isLessThanOrEqualTo(truth.start() + tolerance);
      assertThat(p.segmentEnd()).as("segment of %s ends after the word's end", p.word())
          .isGreaterThanOrEqualTo(truth.end() - tolerance);
    }
  }

  /** The app's converged view is the stored transcript: the same segment ids, texts and times. */
  static void assertAppHoldsTheStoredTranscript(List<JsonNode> app, List<JsonNode> stored) {
    assertThat(describe(app)).as("the app's segments are the stored ones").isEqualTo(describe(stored));
  }

  private static List<String> describe(List<JsonNode> segments) {
    return segments.stream().sorted(Comparator.<JsonNode>comparingDouble(s -> s.path("start").asDouble())
            .thenComparing(s -> s.path("id").asString()))
        .map(s -> s.path("id").asString() + " " + s.path("text").asString() + " " + s.path("start").asDouble() + "-"
            + s.path("end").asDouble())
        .toList();
  }
}
