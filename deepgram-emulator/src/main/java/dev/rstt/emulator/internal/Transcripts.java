package dev.rstt.emulator.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns recognized words into Deepgram JSON. Punctuation rules (with {@code punctuate} or {@code smart_format}):
 * {@code punctuated_word} is the word capitalised ({@code W042}) when it starts a sentence, and gets a "." when it
 * ends one. {@code word} is always the raw lowercase {@code w042}.
 */
public final class Transcripts {

  public static final double WORD_CONFIDENCE = 0.99;
  public static final double SPEAKER_CONFIDENCE = 0.95;
  public static final String MODEL_VERSION = "2024-12-20.0";
  private static final DateTimeFormatter CREATED =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Transcripts() {
  }

  /**
   * Word objects. {@code sentenceStart[0]} says whether the first word starts a sentence and is updated;
   * {@code endsSentence} puts a "." on the last word.
   */
  public static List<Map<String, Object>> words(List<HeardWord> words, ListenParams p, boolean batch,
      boolean[] sentenceStart, boolean endsSentence) {
    List<Map<String, Object>> out = new ArrayList<>(words.size());
    for (int i = 0; i < words.size(); i++) {
      HeardWord w = words.get(i);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("word", w.text());
      m.put("start", w.start());
      m.put("end", w.end());
      m.put("confidence", w.confidence());
      if (p.diarize()) {
        m.put("speaker", w.speaker());
        if (batch) {
          m.put("speaker_confidence", SPEAKER_CONFIDENCE);
        }
      }
      if (p.punctuated()) {
        String pw = sentenceStart[0] ? Character.toUpperCase(w.text().charAt(0)) + w.text().substring(1) : w.text();
        boolean last = i == words.size() - 1;
        if (last && endsSentence) {
          pw = pw + ".";
        }
        m.put("punctuated_word", pw);
        sentenceStart[0] = last && endsSentence;
      }
      out.add(m);
    }
    return out;
  }

  /** The transcript: punctuated words (or raw words) joined by one space. */
  public static String transcript(List<Map<String, Object>> words) {
    StringBuilder b = new StringBuilder();
    for (Map<String, Object> w : words) {
      if (b.length() > 0) {
        b.append(' ');
      }
      Object pw = w.get("punctuated_word");
      b.append(pw != null ? pw : w.get("word"));
    }
    return b.toString();
  }

  /** The alternative's confidence: the mean of its words' (0.0 without words). */
  public static double confidence(List<Map<String, Object>> words) {
    if (words.isEmpty()) {
      return 0.0;
    }
    double sum = 0;
    boolean same = true;
    double first = (Double) words.get(0).get("confidence");
    for (Map<String, Object> w : words) {
      double c = (Double) w.get("confidence");
      sum += c;
      same &= c == first;
    }
    return same ? first : Math.round(sum / words.size() * 10_000) / 10_000.0;
  }

  public static Map<String, Object> modelInfo(ListenParams p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", p.modelName());
    m.put("version", MODEL_VERSION);
    m.put("arch", p.model());
    return m;
  }

  public static String created(Instant at) {
    return CREATED.format(at);
  }
}
