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

  static void assertEveryWordOnceInOrder(List<ExpectedWord> expected, List<JsonNode> segments) {
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
          .isLessThanOrEqualTo(truth.start() + TOLERANCE_S);
      assertThat(p.segmentEnd()).as("segment of %s ends after the word's end", p.word())
          .isGreaterThanOrEqualTo(truth.end() - TOLERANCE_S);
    }
  }
}
