package dev.rstt.emulator.internal;

import dev.rstt.emulator.recognizer.RecognizedWord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one live socket answers, as a pure state machine: recognized words and stream events in, Deepgram messages
 * out (in the order to send them). No I/O, no clock, no shared randomness: realism comes from {@link Imperfections};
 * {@link LiveSession} is the shell that feeds it and writes what it returns.
 *
 * <p>Finals tile the stream: each covers {@code [cursor, end)} and moves the cursor to {@code end}. A split final is
 * sent as several finals whose windows tile the same span. A late final is built (and the cursor moved) when due,
 * but held until {@code lateAfter} more audio arrived, or sent right after the reply to the next Finalize or
 * CloseStream; so with late finals, finals can arrive out of window order.
 */
final class LiveTranscript {

  static final int MAX_UNFINALIZED = 10_000;

  private record Held(long releaseAt, List<Map<String, Object>> messages) {
  }

  private final ListenParams params;
  private final int rate;
  private final String requestId;
  private final Imperfections imperfections;
  private final Stats stats;
  private final long lateAfterSamples;

  private final List<HeardWord> unfinalized = new ArrayList<>();
  private final List<Held> held = new ArrayList<>();
  private long cursor;
  private final boolean[] sentenceStart = {true};
  private HeardWord lastWord;
  private boolean wordsSinceUtteranceEnd;

  LiveTranscript(ListenParams params, int rate, String requestId, Imperfections imperfections, Stats stats) {
    this.params = params;
    this.rate = rate;
    this.requestId = requestId;
    this.imperfections = imperfections;
    this.stats = stats;
    this.lateAfterSamples = imperfections.realism().lateAfter().toMillis() * rate / 1000;
  }

  long cursor() {
    return cursor;
  }

  /**
   * A word or fragment heard at stream position {@code position}. With {@code answer} (not stalled): due late finals,
   * then an interim result when {@code interim_results} is on.
   */
  List<Map<String, Object>> word(RecognizedWord w, long position, boolean answer) {
    List<Map<String, Object>> out = answer ? release(position) : new ArrayList<>();
    if (unfinalized.size() >= MAX_UNFINALIZED) {
      unfinalized.remove(0);
    }
    HeardWord h = imperfections.hear(w, (double) position / rate);
    unfinalized.add(h);
    lastWord = h;
    wordsSinceUtteranceEnd = true;
    if (params.interimResults() && answer) {
      boolean[] start = {sentenceStart[0]};
      out.add(results(cursor, position, Transcripts.words(unfinalized, params, false, start, false), false, false,
          false));
    }
    return out;
  }

  /** Endpointing fired: the words heard since the last final, up to {@code windowEnd}; may be split or held. */
  List<Map<String, Object>> endpoint(long windowEnd, long position) {
    List<Map<String, Object>> out = release(position);
    if (!unfinalized.isEmpty()) {
      long from = cursor;
      List<Map<String, Object>> finals = finals(windowEnd, true, false, true);
      if (imperfections.late(from)) {
        stats.lateFinals.incrementAndGet();
        held.add(new Held(position + lateAfterSamples, finals));
      } else {
        out.addAll(finals);
      }
    }
    return out;
  }

  /** Finalize: a final up to {@code windowEnd} if audio arrived since the last one, then every held final. */
  List<Map<String, Object>> finalizeNow(long windowEnd, long position) {
    List<Map<String, Object>> out = release(position);
    if (windowEnd > cursor) {
      out.addAll(finals(windowEnd, false, true, false));
    }
    out.addAll(releaseAll());
    return out;
  }

  /** CloseStream: a final for the rest of the audio, then every held final (the shell then sends Metadata). */
  List<Map<String, Object>> closeStream(long position) {
    List<Map<String, Object>> out = release(position);
    if (position > cursor) {
      out.addAll(finals(position, true, false, true));
    }
    out.addAll(releaseAll());
    return out;
  }

  /** Held finals whose release point the stream has reached. */
  List<Map<String, Object>> release(long position) {
    List<Map<String, Object>> out = new ArrayList<>();
    while (!held.isEmpty() && held.get(0).releaseAt() <= position) {
      out.addAll(held.remove(0).messages());
    }
    return out;
  }

  private List<Map<String, Object>> releaseAll() {
    List<Map<String, Object>> out = new ArrayList<>();
    held.forEach(h -> out.addAll(h.messages()));
    held.clear();
    return out;
  }

  /** UtteranceEnd after a word, once per silence; null when no word was heard since the last one. */
  Map<String, Object> utteranceEnd() {
    if (!wordsSinceUtteranceEnd || lastWord == null) {
      return null;
    }
    wordsSinceUtteranceEnd = false;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "UtteranceEnd");
    m.put("channel", List.of(0, 1));
    m.put("last_word_end", lastWord.end());
    return m;
  }

  Map<String, Object> speechStarted(long startSample) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "SpeechStarted");
    m.put("channel", List.of(0, 1));
    m.put("timestamp", (double) startSample / rate);
    return m;
  }

  /** The final(s) for {@code [cursor, windowEnd)} with every unfinalized word; moves the cursor. */
  private List<Map<String, Object>> finals(long windowEnd, boolean speechFinal, boolean fromFinalize,
      boolean endsSentence) {
    List<Long> bounds = new ArrayList<>(imperfections.splitPoints(cursor, windowEnd, unfinalized));
    bounds.add(windowEnd);
    List<List<HeardWord>> parts = new ArrayList<>();
    int next = 0;
    int lastWithWords = -1;
    for (int b = 0; b < bounds.size(); b++) {
      List<HeardWord> part = new ArrayList<>();
      boolean last = b == bounds.size() - 1;
      while (next < unfinalized.size() && (last || unfinalized.get(next).startSample() < bounds.get(b))) {
        part.add(unfinalized.get(next++));
      }
      if (!part.isEmpty()) {
        lastWithWords = b;
      }
      parts.add(part);
    }
    List<Map<String, Object>> out = new ArrayList<>();
    long from = cursor;
    for (int b = 0; b < parts.size(); b++) {
      boolean last = b == parts.size() - 1;
      List<Map<String, Object>> words = Transcripts.words(parts.get(b), params, false, sentenceStart,
          endsSentence && b == lastWithWords);
      parts.get(b).stream().filter(HeardWord::fragment).forEach(f -> stats.fragments.incrementAndGet());
      out.add(results(from, bounds.get(b), words, true, last && speechFinal, last && fromFinalize));
      from = bounds.get(b);
    }
    if (parts.size() > 1) {
      stats.splitFinals.incrementAndGet();
    }
    unfinalized.clear();
    cursor = windowEnd;
    return out;
  }

  private Map<String, Object> results(long from, long to, List<Map<String, Object>> words, boolean isFinal,
      boolean speechFinal, boolean fromFinalize) {
    Map<String, Object> alt = new LinkedHashMap<>();
    alt.put("transcript", Transcripts.transcript(words));
    alt.put("confidence", Transcripts.confidence(words));
    alt.put("words", words);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("request_id", requestId);
    meta.put("model_info", Transcripts.modelInfo(params));
    meta.put("model_uuid", params.modelUuid());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "Results");
    m.put("channel_index", List.of(0, 1));
    m.put("duration", (double) (to - from) / rate);
    m.put("start", (double) from / rate);
    m.put("is_final", isFinal);
    m.put("speech_final", speechFinal);
    m.put("channel", Map.of("alternatives", List.of(alt)));
    m.put("metadata", meta);
    m.put("from_finalize", fromFinalize);
    return m;
  }
}
