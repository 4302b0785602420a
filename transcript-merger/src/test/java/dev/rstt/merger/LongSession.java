package dev.rstt.merger;

import static dev.rstt.merger.Events.status;

import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.Word;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;

/**
 * A long session as the workers would publish it, seeded: three speakers taking turns in sentences (5-15 words
 * of 250-400 ms, the last one ending the sentence), pauses between sentences; one live record per sentence;
 * every {@code episodeEvery} seconds a degraded episode: the live connection dies, the audio until the switch
 * point S goes to batch chunks (one stt_session each, at most 30 s, cut in pauses) whose records arrive after the
 * recovery connection's first records (slow pre-recorded answers), the recovery connection starts 1 s before S
 * (its words there are copies of the last chunk's), then {@code stt_recovered}. Now and then a live record is
 * delivered twice. {@link #expected} is every word once, in order.
 */
public final class LongSession {

  public final List<SpecificRecord> events = new ArrayList<>();
  /** For each event, how many distinct words of the session were spoken up to its audio. */
  public final List<Integer> wordsSoFar = new ArrayList<>();
  public final List<String> expected = new ArrayList<>();

  private final String session;
  private final Random random;
  private record Spoken(String text, double start, double end, String speaker) {
  }

  private final int batchLag;
  private final List<SpecificRecord> pending = new ArrayList<>();
  private int pendingIn = -1;

  public LongSession(String session, int words, double episodeEvery, long seed) {
    this(session, words, episodeEvery, 0, seed);
  }

  /**
   * @param batchLag how many live records of the recovery connection arrive before the episode's batch records
   *     and its {@code stt_recovered} (pre-recorded answers that slow)
   */
  public LongSession(String session, int words, double episodeEvery, int batchLag, long seed) {
    this.session = session;
    this.random = new Random(seed);
    this.batchLag = batchLag;
    List<List<Spoken>> sentences = speak(words);
    generate(sentences, episodeEvery);
  }

  private List<List<Spoken>> speak(int words) {
    List<List<Spoken>> sentences = new ArrayList<>();
    double t = 0.5;
    int n = 0;
    while (n < words) {
      String speaker = "SPEAKER_" + random.nextInt(3);
      int length = Math.min(words - n, 5 + random.nextInt(11));
      List<Spoken> sentence = new ArrayList<>();
      for (int i = 0; i < length; i++) {
        double duration = 0.25 + random.nextInt(16) / 100.0;
        String text = "w" + n + (i == length - 1 ? "." : "");
        sentence.add(new Spoken(text, round(t), round(t + duration), speaker));
        expected.add(text);
        n++;
        t += duration + 0.1 + random.nextInt(11) / 100.0;
      }
      sentences.add(sentence);
      t += 0.4 + random.nextInt(250) / 100.0;
    }
    return sentences;
  }

  private void generate(List<List<Spoken>> sentences, double episodeEvery) {
    int spokenSoFar = 0;
    int liveIndex = 0;
    String live = "live-" + liveIndex;
    long seq = 0;
    double cursor = 0;
    double nextEpisode = episodeEvery;
    add(status(session, "ready"), 0);
    for (int i = 0; i < sentences.size(); i++) {
      List<Spoken> sentence = sentences.get(i);
      double start = sentence.get(0).start();
      if (start >= nextEpisode && pending.isEmpty() && i + 12 + batchLag < sentences.size()) {
        // The live connection dies at the cursor: the next 10 sentences go to the batch path.
        double degradedFrom = cursor;
        add(status(session, "stt_degraded", samples(degradedFrom)), spokenSoFar);
        List<List<Spoken>> degraded = sentences.subList(i, i + 10);
        double switchAt = round(sentences.get(i + 10).get(0).start() - 0.2); // S, in the pause before
        List<SegmentsProduced> chunks = new ArrayList<>();
        List<Spoken> chunk = new ArrayList<>();
        double chunkFrom = degradedFrom;
        int chunkNo = 0;
        for (List<Spoken> s : degraded) {
          if (!chunk.isEmpty() && s.get(s.size() - 1).end() - chunkFrom > 30) {
            double cut = round(s.get(0).start() - 0.2);
            chunks.add(record("batch-" + liveIndex + "-" + chunkNo++, 0, "batch", chunkFrom, cut, chunk, 0.9));
            chunk = new ArrayList<>();
            chunkFrom = cut;
          }
          chunk.addAll(s);
        }
        chunks.add(record("batch-" + liveIndex + "-" + chunkNo, 0, "batch", chunkFrom, switchAt, chunk, 0.9));
        for (List<Spoken> s : degraded) {
          spokenSoFar += s.size();
        }
        // The recovery connection from S - 1 s: the words there are in the last chunk too.
        live = "live-" + ++liveIndex;
        seq = 0;
        List<Spoken> overlap = new ArrayList<>();
        for (Spoken w : degraded.get(degraded.size() - 1)) {
          if (w.start() >= switchAt - 1.0) {
            overlap.add(w);
          }
        }
        double resumeFrom = round(switchAt - 1.0);
        i += 10;
        sentence = sentences.get(i);
        List<Spoken> first = new ArrayList<>(overlap);
        first.addAll(sentence);
        cursor = round(sentence.get(sentence.size() - 1).end() + 0.1);
        spokenSoFar += sentence.size();
        add(record(live, seq++, "live", resumeFrom, cursor, first, 0.95), spokenSoFar);
        pending.addAll(chunks);
        pending.add(status(session, "stt_recovered", samples(switchAt), samples(switchAt)));
        pendingIn = batchLag;
        flushPending(spokenSoFar);
        nextEpisode = sentence.get(0).start() + episodeEvery;
        continue;
      }
      double to = round(sentence.get(sentence.size() - 1).end() + 0.1);
      spokenSoFar += sentence.size();
      SegmentsProduced r = record(live, seq++, "live", cursor, to, sentence, 0.95);
      add(r, spokenSoFar);
      if (seq % 97 == 0) {
        add(r, spokenSoFar); // delivered twice
      }
      cursor = to;
      pendingIn--;
      flushPending(spokenSoFar);
    }
    add(status(session, "live_finished", samples(cursor)), spokenSoFar);
  }

  private void flushPending(int spoken) {
    if (pendingIn <= 0 && !pending.isEmpty()) {
      pending.forEach(r -> add(r, spoken));
      pending.clear();
    }
  }

  private void add(SpecificRecord r, int spoken) {
    events.add(r);
    wordsSoFar.add(spoken);
  }

  /** One record: a segment per run of one speaker's words. */
  private SegmentsProduced record(String stt, long seq, String mode, double from, double to, List<Spoken> words,
      double confidence) {
    List<dev.rstt.avro.Segment> segments = new ArrayList<>();
    List<Word> run = new ArrayList<>();
    String speaker = null;
    for (Spoken w : words) {
      if (speaker != null && !speaker.equals(w.speaker())) {
        segments.add(Events.segment(speaker, speaker.equals("SPEAKER_0"), run.toArray(Word[]::new)));
        run = new ArrayList<>();
      }
      speaker = w.speaker();
      run.add(Events.word(w.text(), w.start(), w.end(), confidence));
    }
    segments.add(Events.segment(speaker, speaker.equals("SPEAKER_0"), run.toArray(Word[]::new)));
    return Events.covering(session, stt, seq, mode, "deepgram", from, to,
        segments.toArray(dev.rstt.avro.Segment[]::new));
  }

  private static long samples(double seconds) {
    return Math.round(seconds * 16000);
  }

  private static double round(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }

  /** The words of texts joined by spaces, in order. */
  public static List<String> words(List<String> texts) {
    List<String> words = new ArrayList<>();
    for (String t : texts) {
      for (String token : t.split(" ")) {
        if (!token.isBlank()) {
          words.add(token);
        }
      }
    }
    return words;
  }
}
