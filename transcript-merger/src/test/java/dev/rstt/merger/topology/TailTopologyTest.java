package dev.rstt.merger.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.SessionUpdate;
import dev.rstt.merger.AppView;
import dev.rstt.merger.LongSession;
import dev.rstt.merger.MergerConfig;
import dev.rstt.merger.avro.HistoryEntry;
import dev.rstt.merger.query.TranscriptPages;
import dev.rstt.merger.query.TranscriptView;
import dev.rstt.merger.store.HistoryKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * The open tail through the production topology (docs/CONTRACT.md section 6.8): closed segments land in
 * session-history once, pages read the whole transcript the app holds, expiry deletes a session's history.
 */
class TailTopologyTest {

  static final String S = "01SESSION0000000000000TAIL";
  static final String OTHER = "01SESSION000000000000OTHER";

  private static List<String> historyKeys(MergerHarness h, String session) {
    KeyValueStore<String, HistoryEntry> history = h.driver.getKeyValueStore(MergerTopology.HISTORY_STORE);
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, HistoryEntry> it = history.range(HistoryKeys.first(session),
        HistoryKeys.last(session))) {
      it.forEachRemaining(e -> keys.add(e.key));
    }
    return keys;
  }

  @Test
  void pagesReadWhatTheAppHoldsAndExpiryDeletesTheHistory() {
    MergerConfig config = MergerConfig.defaults().withTailHorizon(Duration.ofSeconds(30))
        .withRetention(Duration.ofHours(1), Duration.ofHours(24), Duration.ofMinutes(1));
    LongSession session = new LongSession(S, 1_500, 300, 20, 3);
    LongSession other = new LongSession(OTHER, 300, 120, 3);
    try (MergerHarness h = MergerHarness.onTmpfs(config)) {
      session.events.forEach(e -> h.pipe(S, e));
      other.events.forEach(e -> h.pipe(OTHER, e));
      List<SessionUpdate> updates = h.updates.readKeyValuesToList().stream().filter(kv -> kv.key.equals(S))
          .map(kv -> kv.value).toList();
      AppView app = new AppView();
      app.applyAll(updates);

      KeyValueStore<String, HistoryEntry> history = h.driver.getKeyValueStore(MergerTopology.HISTORY_STORE);
      List<TranscriptView.SegmentView> read = new ArrayList<>();
      String after = null;
      do {
        TranscriptView page = ((TranscriptPages.Result.Page) TranscriptPages.read(h.store(), history, S, after, 50))
            .view();
        read.addAll(page.segments());
        after = page.next();
      } while (after != null);
      assertThat(h.transcript(S).history().closedSegments()).as("most of it closed").isGreaterThan(read.size() / 2);
      assertThat(read).extracting(TranscriptView.SegmentView::id)
          .containsExactlyElementsOf(app.segments().stream().map(s -> s.getId()).toList());
      assertThat(read).extracting(TranscriptView.SegmentView::text)
          .containsExactlyElementsOf(app.segments().stream().map(s -> s.getText()).toList());
      assertThat(LongSession.words(read.stream().map(TranscriptView.SegmentView::text).toList()))
          .containsExactlyElementsOf(session.expected);
      String last = read.get(read.size() - 1).id();
      TranscriptView end = ((TranscriptPages.Result.Page) TranscriptPages.read(h.store(), history, S, last, 50)).view();
      assertThat(end.segments()).isEmpty();
      assertThat(end.next()).isNull();
      assertThat(TranscriptPages.read(h.store(), history, S, "no-such-segment", 50))
          .isInstanceOf(TranscriptPages.Result.UnknownCursor.class);

      assertThat(historyKeys(h, S)).isNotEmpty();
      assertThat(historyKeys(h, OTHER)).isNotEmpty();
      h.advance(Duration.ofMinutes(61)); // both complete (live_finished), idle past retention
      assertThat(h.transcript(S)).isNull();
      assertThat(historyKeys(h, S)).as("expiry deletes the history").isEmpty();
      assertThat(historyKeys(h, OTHER)).isEmpty();
      assertThat(TranscriptPages.read(h.store(), history, S, null, 50))
          .isInstanceOf(TranscriptPages.Result.NotFound.class);
    }
  }
}
