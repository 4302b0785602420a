package dev.rstt.merger.query;

import dev.rstt.merger.avro.HistoryEntry;
import dev.rstt.merger.merge.ChannelStreams;
import dev.rstt.merger.merge.SessionTranscript;
import dev.rstt.merger.query.TranscriptView.SegmentView;
import dev.rstt.merger.query.TranscriptView.StatusView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A page of a multi-channel session's transcript (docs/CONTRACT.md section 11): every channel's segments (each
 * channel's transcript read whole through {@link TranscriptPages}), ordered by start time across channels, then the
 * page from the one after {@code after}; the statuses of every channel by time; complete when every channel is; the
 * revision the sum of the channels'. A phone call's transcript is read whole for every page (a call is short).
 */
final class ChannelPages {

  private ChannelPages() {
  }

  /** Null when {@code session} has no channel transcript (not a multi-channel session, or unknown). */
  static TranscriptPages.Result read(ReadOnlyKeyValueStore<String, SessionTranscript> tails,
      ReadOnlyKeyValueStore<String, HistoryEntry> history, String session, String after, int limit) {
    List<SessionTranscript> channels = ChannelStreams.MULTI.stream()
        .map(c -> tails.get(ChannelStreams.key(session, c))).toList();
    if (channels.stream().allMatch(t -> t == null)) {
      return null;
    }
    String userId = null;
    List<SegmentView> segments = new ArrayList<>();
    List<StatusView> statuses = new ArrayList<>();
    for (int c : ChannelStreams.MULTI) {
      String key = ChannelStreams.key(session, c);
      String cursor = null;
      boolean first = true;
      while (first || cursor != null) {
        if (!(TranscriptPages.read(tails, history, key, cursor, TranscriptPages.MAX_LIMIT)
            instanceof TranscriptPages.Result.Page page)) {
          break; // the channel has no transcript (yet)
        }
        segments.addAll(page.view().segments());
        if (first) {
          statuses.addAll(page.view().statuses());
          userId = userId != null ? userId : page.view().userId();
        }
        first = false;
        cursor = page.view().next();
      }
    }
    segments.sort(Comparator.comparingDouble(SegmentView::start).thenComparingDouble(SegmentView::end));
    statuses.sort(Comparator.comparingLong(StatusView::occurredAtMs));
    int from = 0;
    if (after != null) {
      int at = -1;
      for (int i = 0; i < segments.size() && at < 0; i++) {
        at = segments.get(i).id().equals(after) ? i : -1;
      }
      if (at < 0) {
        return new TranscriptPages.Result.UnknownCursor(userId);
      }
      from = at + 1;
    }
    int to = Math.min(segments.size(), from + limit);
    List<SegmentView> page = List.copyOf(segments.subList(from, to));
    String next = to < segments.size() && !page.isEmpty() ? page.get(page.size() - 1).id() : null;
    return new TranscriptPages.Result.Page(new TranscriptView(session, userId, page,
        after == null ? statuses : List.of(), ChannelStreams.complete(channels), next,
        ChannelStreams.revision(channels)));
  }
}
