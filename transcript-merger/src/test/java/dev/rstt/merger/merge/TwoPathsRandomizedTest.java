package dev.rstt.merger.merge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.SessionUpdate;
import dev.rstt.merger.AppView;
import dev.rstt.merger.store.SessionStateSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded and randomized: one tone-word script transcribed by the live and batch paths as the pipeline switches
 * between them (docs/CONTRACT.md section 4), each path with the emulator's realism (every word's start and end
 * moved by up to 40 ms per path, drawn apart; a word cut by the start or end of the audio an stt_session received
 * comes back as a fragment of the tones heard whole, with low confidence), the results arriving in a random order
 * across stt_sessions, some twice. After every result the app's view (every update applied) must equal the stored
 * transcript; at the end it must hold every word exactly once, in order, correct (no fragment), inside its segment
 * within the drift plus 50 ms. Each step goes through the store's codec, as in the topology.
 *
 * <p>A failing seed is printed; rerun one with {@code -Dtwo-paths.seed=S -Dtwo-paths.runs=1}.
 */
class TwoPathsRandomizedTest {

  private static final String S = "01SESSION0000000000000000A";
  private static final int RATE = 16_000;
  /** Per-path timestamp error (the emulator's default realism: offset 0, jitter 40 ms). */
  private static final double DRIFT = 0.040;
  private static final double TOLERANCE = DRIFT + 0.050;
  private static final double WORD = 0.26;
  private static final double TONE = 0.05;
  private static final double TONE_STEP = 0.07;
  /** A tone is whole only with 0.25 ms of quiet between it and the audio's edge (the emulator's recognizer). */
  private static final double QUIET = 0.00025;
  private static final double ENDPOINTING = 0.1;

  record Spoken(String text, double start, int speaker) {
    double end() {
      return start + WORD;
    }

    double toneStart(int k) {
      return start + k * TONE_STEP;
    }
  }

  /** One stt_session: the audio [from, to) it received, its path, and (live) where its last final's cursor fell. */
  record Interval(String stt, boolean live, double from, double to, boolean endsWithAudio) {
  }

  @Test
  void shouldConvergeToEveryWordOnceInOrderWhateverTheSwitchesDriftCutsAndArrivalOrder() {
    long base = Long.getLong("two-paths.seed", 7_321L);
    int runs = Integer.getInteger("two-paths.runs", 300);
    int fragments = 0;
    int switches = 0;
    for (int run = 0; run < runs; run++) {
      long seed = base + run;
      try {
        int[] counts = runOnce(seed);
        fragments += counts[0];
        switches += counts[1];
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
      }
    }
    System.out.printf("TwoPathsRandomizedTest: %d runs, %d switches, %d fragments%n", runs, switches, fragments);
    assertThat(fragments).as("the runs cut words").isGreaterThan(runs / 2);
  }

  /** Returns {fragments produced, switches}. */
  private int[] runOnce(long seed) {
    Random r = new Random(seed);
    List<Spoken> script = script(r);
    double end = script.get(script.size() - 1).end() + 0.5;
    List<Interval> intervals = new ArrayList<>();
    int switches = plan(r, script, end, intervals);
    List<List<SegmentsProduced>> perStt = new ArrayList<>();
    int[] fragments = {0};
    for (Interval iv : intervals) {
      perStt.add(transcribe(r, script, iv, fragments));
    }
    List<SegmentsProduced> arrival = interleave(r, perStt);

    if (Boolean.getBoolean("two-paths.print")) {
      script.forEach(w -> System.out.printf("  spoken %s [%.3f, %.3f]%n", w.text(), w.start(), w.end()));
      arrival.forEach(p -> System.out.println("  " + describe(p)));
    }
    byte[] state = SessionStateSerde.encode(new SessionTranscript(S));
    AppView app = new AppView();
    long now = 0;
    for (SegmentsProduced p : arrival) {
      SessionTranscript t = SessionStateSerde.decode(state);
      var update = t.apply(p, ++now);
      update.ifPresent(app::apply);
      state = SessionStateSerde.encode(t);
      assertSameAsApp(t, app);
    }
    SessionTranscript last = SessionStateSerde.decode(state);
    if (Boolean.getBoolean("two-paths.print")) {
      last.segments().forEach(g -> System.out.printf("  segment %s %s [%.3f, %.3f] %s%n", g.sttSession(), g.speaker(),
          g.start(), g.end(), g.text()));
    }
    assertEveryWordOnce(script, last);
    return new int[] {fragments[0], switches};
  }

  private static List<Spoken> script(Random r) {
    List<Spoken> words = new ArrayList<>();
    double t = 0.3 + r.nextDouble();
    int speaker = r.nextInt(4);
    int n = 25 + r.nextInt(40);
    for (int i = 0; i < n; i++) {
      if (r.nextInt(6) == 0) {
        speaker = r.nextInt(4);
      }
      words.add(new Spoken(String.format("w%d%02d", speaker, i % 100), t, speaker));
      t += WORD + 0.14 + r.nextDouble() * 0.36;
    }
    return words;
  }

  /**
   * The stt_sessions of one session, as the workers would open them: live until its socket dies (its finals up to
   * then published), then either batch chunks from the chunk holding its last cursor (chunks up to 0.5 s long, so
   * the first can start inside the last word live finalised) until a recovery at S, whose live connection starts
   * {@code recovery-overlap} before S; or a cold take-over that starts live again from an earlier cursor.
   */
  private static int plan(Random r, List<Spoken> script, double end, List<Interval> out) {
    double at = 0;
    boolean live = r.nextInt(4) != 0;
    int switches = 0;
    int n = 0;
    while (true) {
      String stt = String.format("%s%02d", live ? "LIVE" : "BATCH", n++);
      if (live) {
        double death = at + 2 + r.nextDouble() * 7;
        if (death >= end) {
          out.add(new Interval(stt, true, at, end, true));
          return switches;
        }
        double cursor = at;
        List<Double> cursors = new ArrayList<>();
        for (Spoken w : script) {
          if (w.toneStart(0) >= at && w.end() + ENDPOINTING <= death) {
            cursor = w.end() + ENDPOINTING;
            cursors.add(cursor);
          }
        }
        out.add(new Interval(stt, true, at, cursor, false));
        switches++;
        if (r.nextInt(4) == 0 && !cursors.isEmpty()) {
          // cold take-over: the next owner resumes from the chunk holding an earlier acknowledged cursor
          double acked = cursors.get(r.nextInt(cursors.size()));
          at = Math.max(0, acked - r.nextDouble() * 0.5);
        } else {
          at = Math.max(0, cursor - r.nextDouble() * 0.5);
          live = false;
        }
      } else {
        double resume = at + 3 + r.nextDouble() * 10;
        double chunkStart = at;
        while (true) {
          double cut = Math.min(resume, chunkStart + 2 + r.nextDouble() * 6);
          if (cut < resume) {
            cut = Math.min(resume, silenceAt(script, cut)); // batch chunks are cut in silence
          }
          if (cut >= end) {
            out.add(new Interval(String.format("BATCH%02d", n++), false, chunkStart, end, true));
            return switches;
          }
          out.add(new Interval(String.format("BATCH%02d", n++), false, chunkStart, cut, true));
          if (cut >= resume) {
            break;
          }
          chunkStart = cut;
        }
        double overlap = 0.4 + r.nextDouble() * 0.8;
        at = Math.max(0, resume - overlap);
        live = true;
        switches++;
      }
    }
  }

  /** The middle of the pause that contains {@code t}, or that follows the word containing it. */
  private static double silenceAt(List<Spoken> script, double t) {
    for (int i = 0; i < script.size(); i++) {
      Spoken w = script.get(i);
      double previousEnd = i == 0 ? 0 : script.get(i - 1).end();
      if (t < w.start()) {
        return (previousEnd + w.start()) / 2;
      }
      if (t < w.end()) {
        return i + 1 < script.size() ? (w.end() + script.get(i + 1).start()) / 2 : w.end() + 0.2;
      }
    }
    return t;
  }

  /** What an stt_session reports for its audio: whole words, fragments at cut edges, with drift, in records. */
  private static List<SegmentsProduced> transcribe(Random r, List<Spoken> script, Interval iv, int[] fragments) {
    List<dev.rstt.avro.Word> words = new ArrayList<>();
    List<Integer> speakers = new ArrayList<>();
    List<Double> trueEnds = new ArrayList<>();
    for (Spoken w : script) {
      if (w.end() <= iv.from() || w.start() >= iv.to()) {
        continue;
      }
      boolean[] heard = new boolean[4];
      int count = 0;
      for (int k = 0; k < 4; k++) {
        heard[k] = w.toneStart(k) >= iv.from() + QUIET && w.toneStart(k) + TONE + QUIET <= iv.to();
        count += heard[k] ? 1 : 0;
      }
      if (count == 0 || (!iv.endsWithAudio() && w.end() > iv.to())) {
        continue;
      }
      String text;
      double start;
      double stop;
      double confidence;
      int speaker = w.speaker();
      if (count == 4) {
        text = w.text();
        start = w.start();
        stop = w.end();
        confidence = 0.90 + r.nextDouble() * 0.09;
      } else {
        fragments[0]++;
        StringBuilder b = new StringBuilder();
        if (!heard[0]) { // cut by the start: the digits heard, speaker unknown
          for (int k = 1; k < 4; k++) {
            if (heard[k]) {
              b.append(w.text().charAt(k));
            }
          }
          start = iv.from();
          stop = w.end();
          speaker = 0;
        } else { // cut by the end: "w" and the digits heard
          b.append('w');
          for (int k = 1; k < 4 && heard[k]; k++) {
            b.append(w.text().charAt(k));
          }
          start = w.start();
          stop = iv.to();
        }
        text = b.toString();
        confidence = 0.15 + r.nextDouble() * 0.30;
      }
      double s = Math.max(iv.from(), start + drift(r));
      double e = Math.min(iv.to(), stop + drift(r));
      if (e < s + 0.010) {
        e = Math.min(iv.to(), s + 0.010);
        s = Math.min(s, e - 0.010);
      }
      words.add(new dev.rstt.avro.Word(text, s, e, (float) confidence));
      speakers.add(speaker);
      trueEnds.add(Math.min(iv.to(), stop));
    }
    List<SegmentsProduced> records = new ArrayList<>();
    if (words.isEmpty()) {
      return records;
    }
    if (!iv.live()) {
      List<dev.rstt.avro.Segment> segments = new ArrayList<>();
      int from = 0;
      for (int i = 1; i <= words.size(); i++) {
        if (i == words.size() || !speakers.get(i).equals(speakers.get(from))
            || words.get(i).getStart() - words.get(i - 1).getEnd() >= 0.8) {
          segments.add(segment(words.subList(from, i), speakers.get(from)));
          from = i;
        }
      }
      records.add(record(iv.stt(), "batch", 0, iv.from(), iv.to(), segments));
      return records;
    }
    // Live: one final per word (endpointing), windows tiling the stream; the last reaches the end of the audio.
    double cursor = iv.from();
    for (int i = 0; i < words.size(); i++) {
      double to = i == words.size() - 1 ? iv.to() : Math.min(iv.to(), trueEnds.get(i) + ENDPOINTING);
      records.add(record(iv.stt(), "live", i, cursor, to, List.of(segment(List.of(words.get(i)), speakers.get(i)))));
      cursor = to;
    }
    // A late final (published after the next one, as the STT worker does today: seqs in arrival order; the next
    // one covers from the cursor before both, the late one's window is degenerate at the cursor the next one moved).
    for (int i = 0; i + 1 < records.size(); i++) {
      if (r.nextInt(8) == 0) {
        SegmentsProduced late = records.get(i);
        SegmentsProduced next = records.get(i + 1);
        long cursorSamples = next.getCoveredToSamples();
        next.setCoveredFromSamples(late.getCoveredFromSamples()); // it finalises from the cursor before both
        next.setSeq(i);
        late.setSeq(i + 1);
        late.setCoveredFromSamples(cursorSamples);
        late.setCoveredToSamples(cursorSamples);
        records.set(i, next);
        records.set(i + 1, late);
        i++;
      }
    }
    return records;
  }

  private static double drift(Random r) {
    return (r.nextDouble() * 2 - 1) * DRIFT;
  }

  private static dev.rstt.avro.Segment segment(List<dev.rstt.avro.Word> words, int speaker) {
    StringBuilder text = new StringBuilder();
    for (dev.rstt.avro.Word w : words) {
      text.append(text.length() == 0 ? "" : " ").append(w.getText());
    }
    return new dev.rstt.avro.Segment(text.toString(), "SPEAKER_" + speaker, speaker, false,
        words.get(0).getStart(), words.get(words.size() - 1).getEnd(), new ArrayList<>(words));
  }

  private static SegmentsProduced record(String stt, String mode, long seq, double from, double to,
      List<dev.rstt.avro.Segment> segments) {
    return SegmentsProduced.newBuilder().setSessionId(S).setUserId("u").setSttSession(stt).setMode(mode)
        .setSttProvider("deepgram").setSeq(seq).setCoveredFromSamples(Math.round(from * RATE))
        .setCoveredToSamples(Math.round(to * RATE)).setSampleRate(RATE).setSegments(new ArrayList<>(segments))
        .setProducedAtMs(0).build();
  }

  /** Each stt_session's records in order, stt_sessions interleaved at random; some records delivered twice. */
  private static List<SegmentsProduced> interleave(Random r, List<List<SegmentsProduced>> perStt) {
    List<List<SegmentsProduced>> queues = new ArrayList<>();
    for (List<SegmentsProduced> q : perStt) {
      List<SegmentsProduced> withReplays = new ArrayList<>();
      for (SegmentsProduced p : q) {
        withReplays.add(p);
        if (r.nextInt(15) == 0) {
          withReplays.add(p); // a redelivery: the same record again
        }
      }
      if (!withReplays.isEmpty()) {
        queues.add(withReplays);
      }
    }
    List<SegmentsProduced> out = new ArrayList<>();
    while (!queues.isEmpty()) {
      List<SegmentsProduced> q = queues.get(r.nextInt(queues.size()));
      out.add(q.remove(0));
      if (q.isEmpty()) {
        queues.remove(q);
      }
    }
    return out;
  }

  private static void assertSameAsApp(SessionTranscript t, AppView app) {
    assertThat(app.segments()).extracting(s -> s.getId() + " " + s.getText() + " " + s.getStart() + "-" + s.getEnd())
        .as("the app's view is the stored transcript")
        .containsExactlyElementsOf(t.segments().stream()
            .map(s -> s.id() + " " + s.text() + " " + s.start() + "-" + s.end()).toList());
  }

  private static void assertEveryWordOnce(List<Spoken> script, SessionTranscript t) {
    List<String> heard = new ArrayList<>();
    for (Segment s : t.segments()) {
      for (String token : s.text().split(" ")) {
        heard.add(token);
        Spoken truth = script.stream().filter(w -> w.text().equals(token)).findFirst().orElse(null);
        if (truth != null) {
          assertThat(s.start()).as("segment of %s starts by the word", token)
              .isLessThanOrEqualTo(truth.start() + TOLERANCE);
          assertThat(s.end()).as("segment of %s ends after the word", token)
              .isGreaterThanOrEqualTo(truth.end() - TOLERANCE);
        }
      }
    }
    assertThat(heard).as("every word once, in order, no fragment")
        .containsExactlyElementsOf(script.stream().map(Spoken::text).toList());
  }

  private static String describe(SegmentsProduced p) {
    StringBuilder b = new StringBuilder(String.format("%s#%d [%.3f, %.3f):", p.getSttSession(), p.getSeq(),
        p.getCoveredFromSamples() / (double) RATE, p.getCoveredToSamples() / (double) RATE));
    p.getSegments().forEach(g -> g.getWords().forEach(w -> b.append(String.format(" %s[%.3f-%.3f %.2f]",
        w.getText(), w.getStart(), w.getEnd(), w.getConfidence()))));
    return b.toString();
  }
}
