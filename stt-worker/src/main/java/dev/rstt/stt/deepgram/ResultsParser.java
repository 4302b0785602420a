package dev.rstt.stt.deepgram;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Parses Deepgram live text frames; only final {@code Results} matter to the worker. */
public final class ResultsParser {

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private ResultsParser() {
  }

  /** The final result in a text frame, or empty for any other message (interim, Metadata, ...). */
  public static Optional<FinalResult> parseFinal(String text) {
    JsonNode root = MAPPER.readTree(text);
    if (!"Results".equals(root.path("type").asString(""))) {
      return Optional.empty();
    }
    if (!root.path("is_final").asBoolean(false)) {
      return Optional.empty();
    }
    double start = root.path("start").asDouble(0);
    double duration = root.path("duration").asDouble(0);
    boolean fromFinalize = root.path("from_finalize").asBoolean(false);
    List<FinalResult.Word> words = new ArrayList<>();
    JsonNode alternatives = root.path("channel").path("alternatives");
    if (alternatives.isArray() && !alternatives.isEmpty()) {
      for (JsonNode w : alternatives.get(0).path("words")) {
        JsonNode punctuated = w.get("punctuated_word");
        JsonNode speaker = w.get("speaker");
        words.add(new FinalResult.Word(w.path("word").asString(""),
            punctuated == null || punctuated.isNull() ? null : punctuated.asString(),
            w.path("start").asDouble(0), w.path("end").asDouble(0), (float) w.path("confidence").asDouble(1.0),
            speaker == null || speaker.isNull() ? -1 : speaker.asInt()));
      }
    }
    return Optional.of(new FinalResult(start, duration, fromFinalize, words));
  }
}
