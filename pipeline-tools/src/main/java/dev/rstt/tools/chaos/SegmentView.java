package dev.rstt.tools.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/** A transcript segment as the app (or the transcript endpoint) shows it: the fields the checker reads. */
public record SegmentView(String id, String text, double start, double end, String sttSession) {

  public static SegmentView of(JsonNode s) {
    JsonNode stt = s.path("stt_session");
    return new SegmentView(s.path("id").asString(""), s.path("text").asString(""), s.path("start").asDouble(),
        s.path("end").asDouble(), stt.isNull() || stt.isMissingNode() ? null : stt.asString());
  }

  /** The segment's words as the checker compares them: punctuation stripped, lower case ({@code "W042."} → w042). */
  public List<String> tokens() {
    List<String> out = new ArrayList<>();
    for (String raw : text.split("\\s+")) {
      String t = raw.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }

  /** Same content (times within a microsecond). */
  public boolean sameAs(SegmentView o) {
    return id.equals(o.id) && text.equals(o.text) && Math.abs(start - o.start) < 1e-6
        && Math.abs(end - o.end) < 1e-6 && java.util.Objects.equals(sttSession, o.sttSession);
  }
}
