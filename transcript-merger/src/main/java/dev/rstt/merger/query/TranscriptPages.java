package dev.rstt.merger.query;

import dev.rstt.merger.avro.ClosedSegment;
import dev.rstt.merger.avro.ClosedStatus;
import dev.rstt.merger.avro.HistoryEntry;
import dev.rstt.merger.avro.SegmentPosition;
import dev.rstt.merger.merge.History;
import dev.rstt.merger.merge.Segment;
import dev.rstt.merger.merge.SessionTranscript;
import dev.rstt.merger.merge.StatusRecord;
import dev.rstt.merger.query.TranscriptView.SegmentView;
import dev.rstt.merger.query.TranscriptView.StatusView;
import dev.rstt.merger.store.HistoryKeys;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads one page of a session's transcript (docs/CONTRACT.md section 6.8) from the closed segments of the
 * history store and the open tail: segments by position (the closed ones, then the tail's in start order), from
 * the one after {@code after} (a segment id; absent: the first), at most {@code limit}. The tail is read first:
 * every position below its {@code closed_segments} was written before it, so a page never misses or repeats a
 * segment that closed meanwhile. Reads only; no I/O of its own beyond the two stores.
 */
public final class TranscriptPages {

  /** Segments per page when the caller gives no {@code limit}, and the most it may ask for. */
  public static final int DEFAULT_LIMIT = 1000;
  public static final int MAX_LIMIT = 1000;

  /** The outcome of a read: a page, no such session, or an {@code after} that names no segment. */
  public sealed interface Result {
    record Page(TranscriptView view) implements Result {
    }

    record NotFound() implements Result {
    }

    /** @param userId the session's owner */
    record UnknownCursor(String userId) implements Result {
    }
  }

  private TranscriptPages() {
  }

  public static Result read(ReadOnlyKeyValueStore<String, SessionTranscript> tails,
      ReadOnlyKeyValueStore<String, HistoryEntry> history, String session, String after, int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT);
    }
    SessionTranscript t = tails.get(session);
    if (t == null) {
      Result channels = ChannelPages.read(tails, history, session, after, limit);
      return channels != null ? channels : new Result.NotFound();
    }
    long closed = t.history().closedSegments();
    List<Segment> tail = t.segments();
    long from = 0;
    if (after != null) {
      Long at = position(history, session, after, closed, tail);
      if (at == null) {
        return new Result.UnknownCursor(t.userId());
      }
      from = at + 1;
    }
    long total = closed + tail.size();
    long to = Math.min(total, from + limit); // exclusive
    List<SegmentView> segments = new ArrayList<>((int) Math.max(0, to - from));
    if (from < Math.min(to, closed)) {
      try (KeyValueIterator<String, HistoryEntry> it = history.range(HistoryKeys.segment(session, from),
          HistoryKeys.segment(session, Math.min(to, closed) - 1))) {
        while (it.hasNext()) {
          KeyValue<String, HistoryEntry> e = it.next();
          if (e.value != null && e.value.getEntry() instanceof ClosedSegment s) {
            segments.add(SegmentView.of(s));
          }
        }
      }
    }
    for (long p = Math.max(from, closed); p < to; p++) {
      segments.add(SegmentView.of(tail.get((int) (p - closed))));
    }
    List<StatusView> statuses = after == null ? statuses(history, session, t) : List.of();
    String next = to < total && !segments.isEmpty() ? segments.get(segments.size() - 1).id() : null;
    return new Result.Page(new TranscriptView(session, t.userId(), segments, statuses, t.complete(), next,
        t.revision()));
  }

  private static Long position(ReadOnlyKeyValueStore<String, HistoryEntry> history, String session, String id,
      long closed, List<Segment> tail) {
    for (int i = 0; i < tail.size(); i++) {
      if (tail.get(i).id().equals(id)) {
        return closed + i;
      }
    }
    HistoryEntry e = history.get(HistoryKeys.index(session, id));
    if (e != null && e.getEntry() instanceof SegmentPosition p && p.getPosition() < closed) {
      return p.getPosition();
    }
    return null;
  }

  /** The status history: closed statuses still kept, then the tail's. */
  private static List<StatusView> statuses(ReadOnlyKeyValueStore<String, HistoryEntry> history, String session,
      SessionTranscript t) {
    History h = t.history();
    List<StatusView> out = new ArrayList<>();
    if (h.droppedStatuses() < h.closedStatuses()) {
      try (KeyValueIterator<String, HistoryEntry> it = history.range(HistoryKeys.status(session, h.droppedStatuses()),
          HistoryKeys.status(session, h.closedStatuses() - 1))) {
        while (it.hasNext()) {
          KeyValue<String, HistoryEntry> e = it.next();
          if (e.value != null && e.value.getEntry() instanceof ClosedStatus s) {
            out.add(StatusView.of(s));
          }
        }
      }
    }
    for (StatusRecord r : t.statuses()) {
      out.add(StatusView.of(r));
    }
    return out;
  }
}
