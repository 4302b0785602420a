package dev.rstt.merger.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.StatusChanged;
import dev.rstt.merger.LongSession;
import dev.rstt.merger.MergerConfig;
import dev.rstt.merger.avro.HistoryEntry;
import dev.rstt.merger.merge.Closing;
import dev.rstt.merger.merge.Segment;
import dev.rstt.merger.merge.SessionTranscript;
import dev.rstt.merger.query.TranscriptPages;
import dev.rstt.merger.query.TranscriptView;
import dev.rstt.merger.store.HistoryEntrySerde;
import dev.rstt.merger.store.SessionStateSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * One session of 50,000 words (8 hours of speech with a degraded episode every 30 minutes, replayed as fast as the
 * topology takes it) through the production topology on a {@link org.apache.kafka.streams.TopologyTestDriver}
 * (docs/CONTRACT.md section 6.8). Asserts what is deterministic: no store value reaches 64 KiB, and the
 * transcript reads back complete through pages. Prints what is not: the processing time per event (the driver's
 * whole path: store read and decode, merge, encode, store and changelog writes, output) around word 1,000 and
 * around word 50,000, after a warm-up session (RocksDB state on tmpfs, {@link MergerHarness#onTmpfs}), and the
 * merger's own work per event alone. {@code -Dlong-session.baseline=true} also runs the state as it was
 * before the open tail (a horizon longer than the session: nothing closes) for 8,000 words, side by side.
 *
 * <p>Run: {@code mvn -B -ntp verify -pl transcript-merger -am -Dtest=LongSessionBenchmarkTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=none -Dfailsafe.failIfNoSpecifiedTests=false
 * -Dlong-session.baseline=true}
 */
class LongSessionBenchmarkTest {

  static final String S = "01LONGSESSION0000000000000";
  static final String WARM = "01WARMUP000000000000000000";
  static final int WORDS = 50_000;
  static final int MAX_VALUE_BYTES = 64 * 1024;
  /** Events measured around each point (a record holds one sentence, 5-15 words). */
  static final int WINDOW = 100;

  record Run(double[] micros, List<Integer> words, int largestTail, int largestHistory, long closed) {

    /** Median microseconds per event over the {@link #WINDOW} events nearest word {@code at}. */
    double medianAt(int at) {
      int centre = 0;
      while (centre < words.size() - 1 && words.get(centre) < at) {
        centre++;
      }
      int from = Math.max(0, Math.min(centre - WINDOW / 2, micros.length - WINDOW));
      double[] window = Arrays.copyOfRange(micros, from, Math.min(micros.length, from + WINDOW));
      Arrays.sort(window);
      return window[window.length / 2];
    }
  }

  /**
   * The merger's own work per event without the driver and RocksDB: decode the session's value, apply, close,
   * encode the value and what closed (what grows with the session when the state is one value).
   */
  private static Run core(LongSession events, String session, Duration horizon, int upToWords) {
    double[] micros = new double[events.events.size()];
    List<Integer> words = new ArrayList<>();
    byte[] state = null;
    int largest = 0;
    int n = 0;
    long closed = 0;
    for (int i = 0; i < events.events.size() && events.wordsSoFar.get(i) <= upToWords; i++, n++) {
      long start = System.nanoTime();
      SessionTranscript t = state == null ? new SessionTranscript(session) : SessionStateSerde.decode(state);
      if (events.events.get(i) instanceof SegmentsProduced p) {
        t.apply(p, i);
      } else {
        t.apply((StatusChanged) events.events.get(i), i);
      }
      Closing closing = t.close(horizon);
      for (Closing.Closed<Segment> c : closing.segments()) {
        HistoryEntrySerde.encode(HistoryEntrySerde.of(c.item()));
        HistoryEntrySerde.encode(HistoryEntrySerde.position(c.position()));
      }
      state = SessionStateSerde.encode(t);
      micros[n] = (System.nanoTime() - start) / 1000.0;
      words.add(events.wordsSoFar.get(i));
      largest = Math.max(largest, state.length);
      closed = t.history().closedSegments();
    }
    return new Run(Arrays.copyOf(micros, n), words, largest, 0, closed);
  }

  private static Run feed(MergerHarness h, String session, LongSession events, int upToWords) {
    double[] micros = new double[events.events.size()];
    List<Integer> words = new ArrayList<>();
    int largestTail = 0;
    int n = 0;
    for (int i = 0; i < events.events.size() && events.wordsSoFar.get(i) <= upToWords; i++, n++) {
      long start = System.nanoTime();
      h.events.pipeInput(session, events.events.get(i));
      micros[n] = (System.nanoTime() - start) / 1000.0;
      words.add(events.wordsSoFar.get(i));
      SessionTranscript tail = h.transcript(session);
      largestTail = Math.max(largestTail, SessionStateSerde.encode(tail).length);
    }
    h.drain();
    KeyValueStore<String, HistoryEntry> history = h.driver.getKeyValueStore(MergerTopology.HISTORY_STORE);
    int largestHistory = 0;
    try (KeyValueIterator<String, HistoryEntry> all = history.all()) {
      while (all.hasNext()) {
        KeyValue<String, HistoryEntry> e = all.next();
        largestHistory = Math.max(largestHistory, HistoryEntrySerde.encode(e.value).length);
      }
    }
    return new Run(Arrays.copyOf(micros, n), words, largestTail, largestHistory,
        h.transcript(session).history().closedSegments());
  }

  @Test
  void anEightHourSessionKeepsItsStateSmallAndReadsBackComplete() {
    LongSession session = new LongSession(S, WORDS, 1800, 30, 42);
    Run run;
    try (MergerHarness h = MergerHarness.onTmpfs(MergerConfig.defaults())) {
      feed(h, WARM, new LongSession(WARM, 5_000, 1800, 41), Integer.MAX_VALUE); // JIT warm-up
      run = feed(h, S, session, Integer.MAX_VALUE);

      KeyValueStore<String, SessionTranscript> tails = h.store();
      KeyValueStore<String, HistoryEntry> history = h.driver.getKeyValueStore(MergerTopology.HISTORY_STORE);
      // ready, then one stt_degraded/stt_recovered pair per episode
      int forwarded = 1 + 2 * (int) session.events.stream().filter(e -> e instanceof StatusChanged c
          && c.getStatus().equals("stt_degraded")).count();
      List<String> texts = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      String after = null;
      int pages = 0;
      do {
        TranscriptPages.Result result = TranscriptPages.read(tails, history, S, after, 997);
        assertThat(result).isInstanceOf(TranscriptPages.Result.Page.class);
        TranscriptView page = ((TranscriptPages.Result.Page) result).view();
        assertThat(page.statuses()).as("statuses on the first page only").hasSize(pages == 0 ? forwarded : 0);
        page.segments().forEach(s -> {
          texts.add(s.text());
          ids.add(s.id());
        });
        after = page.next();
        pages++;
        assertThat(page.complete()).isTrue();
      } while (after != null);
      System.out.printf("long session: %d words, %d events, %d segments (%d closed), %d pages of 997%n", WORDS,
          run.micros().length, ids.size(), run.closed(), pages);
      assertThat(LongSession.words(texts)).as("every word once, in order").containsExactlyElementsOf(session.expected);
      assertThat(ids).doesNotHaveDuplicates();
      assertThat(h.meters.find("rstt.merger.words.late").counter()).as("no word arrived from before the tail").isNull();
      assertThat(h.meters.get("rstt.merger.words.deduplicated").counter().count()).as("copies were dropped")
          .isPositive();
      assertThat(pages).isGreaterThan(2);
    }
    System.out.printf("long session: largest session-transcripts value %d bytes, largest session-history value %d "
        + "bytes%n", run.largestTail(), run.largestHistory());
    double early = run.medianAt(1_000);
    double late = run.medianAt(WORDS);
    System.out.printf("long session, open tail (horizon %s): median per event %.0f us at word 1,000, %.0f us at "
        + "word 50,000 (x%.2f)%n", MergerConfig.defaults().tailHorizon(), early, late, late / early);
    Duration horizon = MergerConfig.defaults().tailHorizon();
    core(new LongSession(WARM, 5_000, 1800, 41), WARM, horizon, Integer.MAX_VALUE); // JIT warm-up
    Run merger = core(session, S, horizon, Integer.MAX_VALUE);
    System.out.printf("long session, open tail, merger alone (decode, apply, close, encode): median per event %.0f us "
        + "at word 1,000, %.0f us at word 50,000 (x%.2f)%n", merger.medianAt(1_000), merger.medianAt(WORDS),
        merger.medianAt(WORDS) / merger.medianAt(1_000));
    assertThat(run.largestTail()).as("largest session-transcripts value").isLessThan(MAX_VALUE_BYTES);
    assertThat(run.largestHistory()).as("largest session-history value").isLessThan(MAX_VALUE_BYTES);

    if (Boolean.getBoolean("long-session.baseline")) {
      MergerConfig unbounded = MergerConfig.defaults().withTailHorizon(Duration.ofHours(24));
      try (MergerHarness h = MergerHarness.onTmpfs(unbounded)) {
        feed(h, WARM, new LongSession(WARM, 5_000, 1800, 41), 3_000);
        Run before = feed(h, S, session, 8_000);
        System.out.printf("long session, whole session in one value (baseline): median per event %.0f us at word "
            + "1,000, %.0f us at word 8,000 (x%.2f); value %d bytes at word 8,000%n", before.medianAt(1_000),
            before.medianAt(8_000), before.medianAt(8_000) / before.medianAt(1_000), before.largestTail());
      }
      Run alone = core(session, S, Duration.ofHours(24), 8_000);
      System.out.printf("long session, whole session in one value (baseline), merger alone: median per event %.0f us "
          + "at word 1,000, %.0f us at word 8,000 (x%.2f)%n", alone.medianAt(1_000), alone.medianAt(8_000),
          alone.medianAt(8_000) / alone.medianAt(1_000));
    }
  }
}
