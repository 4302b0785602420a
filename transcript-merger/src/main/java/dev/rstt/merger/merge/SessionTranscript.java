package dev.rstt.merger.merge;

import static dev.rstt.schemas.Statuses.BATCH_FINISHED;
import static dev.rstt.schemas.Statuses.LIVE_FINISHED;
import static dev.rstt.schemas.Statuses.READY;
import static dev.rstt.schemas.Statuses.STT_DEGRADED;
import static dev.rstt.schemas.Statuses.STT_RECOVERED;

import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.SessionUpdate;
import dev.rstt.avro.StatusChanged;
import dev.rstt.avro.StatusEvent;
import dev.rstt.avro.TranscriptSegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's merged transcript and status, and the rules of docs/CONTRACT.md section 6 that change it.
 * Each input event yields at most one {@link SessionUpdate}: the segments it created or changed (ids stable), the
 * ids of segments it removed (their words were replaced by better copies), the status it forwards, whether the
 * transcript is complete, and the next revision. The app, applying every update, holds {@link #segments()}.
 *
 * <p>Not thread-safe; the topology owns one instance per record being processed.
 */
public final class SessionTranscript {

  private static final Logger log = LoggerFactory.getLogger(SessionTranscript.class);

  /** Status history is bounded; the oldest entries go first. */
  public static final int MAX_STATUS_HISTORY = 500;

  private final String sessionId;
  private String userId;
  private long revision;
  // Package-private for Closing, which takes what can no longer change out of them.
  final Timeline timeline;
  Coverage coverage = new Coverage();
  final AppliedRecords applied = new AppliedRecords();
  final List<StatusRecord> statuses = new ArrayList<>();
  Episodes episodes = new Episodes();
  History history = new History();
  private boolean readyForwarded;
  private boolean liveFinished;
  private boolean batchFinished;
  private long lastActivityMs;
  // Counters of what this instance's apply calls dropped (not persisted; for metrics).
  private long droppedWords;
  private final Map<CopyRules.Reason, Long> replacedCopies = new EnumMap<>(CopyRules.Reason.class);
  private long ignoredRedeliveries;
  private long lateWords;

  public SessionTranscript(String sessionId) {
    this.sessionId = sessionId;
    this.timeline = new Timeline(sessionId);
  }

  // ---------------------------------------------------------------------------------------------- segments

  /**
   * Applies one worker result (redelivery, copies of words already accepted, placement, combine). A word that is
   * a copy of accepted words of other stt_sessions (section 6.2, {@link CopyRules}) is dropped unless it is better
   * than every one of them; then it replaces them, and the segments that held them shrink, split or go.
   */
  public Optional<SessionUpdate> apply(SegmentsProduced produced, long nowMs) {
    EventChecks.validate(sessionId, produced);
    lastActivityMs = nowMs;
    fillUser(produced.getUserId());
    String stt = blankToNull(produced.getSttSession());
    if (stt != null && !applied.add(stt, produced.getSeq())) {
      log.debug("Ignoring redelivered result {}#{}", stt, produced.getSeq());
      ignoredRedeliveries++;
      return Optional.empty();
    }
    if (!coverage.extend(stt, produced.getCoveredFromSamples(), produced.getCoveredToSamples(),
        produced.getSampleRate())) {
      log.warn("Result {}#{} gives no valid covered range (from {}, to {}, rate {}): its stt_session's words count "
          + "as lying inside its audio", stt, produced.getSeq(), produced.getCoveredFromSamples(),
          produced.getCoveredToSamples(), produced.getSampleRate());
    } else {
      history.rate(produced.getSampleRate());
      history.reached(Math.round(produced.getCoveredToSamples() * 1e6 / produced.getSampleRate()));
    }
    int late = 0;
    Timeline.Changes changes = new Timeline.Changes();
    int dropped = 0;
    int replaced = 0;
    List<dev.rstt.avro.Segment> input = new ArrayList<>(produced.getSegments());
    input.sort(Comparator.comparingDouble(dev.rstt.avro.Segment::getStart));
    for (dev.rstt.avro.Segment in : input) {
      List<Word> run = new ArrayList<>();
      for (Word w : Word.of(in, stt)) {
        history.reached(Math.round(w.end() * 1e6));
        if (late(w)) {
          late++;
        }
        CopyRules.Copy candidate = CopyRules.locate(w, coverage.of(stt));
        List<CopyRules.Copy> copies = timeline.copiesOf(candidate, coverage);
        if (copies.isEmpty()) {
          run.add(w);
        } else if (replaces(candidate, copies)) {
          Set<Word> out = Segment.identitySet();
          copies.forEach(c -> out.add(c.word()));
          timeline.remove(out, changes);
          replaced += out.size();
          run.add(w);
        } else {
          dropped++;
          flush(run, in, stt, produced.getSttProvider(), changes);
          run = new ArrayList<>();
        }
      }
      flush(run, in, stt, produced.getSttProvider(), changes);
    }
    droppedWords += dropped;
    if (late > 0) {
      lateWords += late;
      log.warn("Result {}#{} holds {} words from before the open tail: compared with the open tail only", stt,
          produced.getSeq(), late);
    }
    if (dropped > 0 || replaced > 0) {
      log.debug("Result {}#{}: dropped {} words (a better copy was accepted), replaced {} accepted copies", stt,
          produced.getSeq(), dropped, replaced);
    }
    if (changes.isEmpty()) {
      return Optional.empty();
    }
    List<Segment> changed = changes.upserts();
    changed.sort(Comparator.comparingDouble(Segment::start));
    return Optional.of(update(changed, changes.removed(), null));
  }

  /** Whether {@code candidate} is better than each of {@code copies}; counts why, when it is. */
  private boolean replaces(CopyRules.Copy candidate, List<CopyRules.Copy> copies) {
    List<CopyRules.Reason> reasons = new ArrayList<>(copies.size());
    for (CopyRules.Copy accepted : copies) {
      CopyRules.Reason why = CopyRules.better(candidate, accepted);
      if (why == null) {
        return false;
      }
      reasons.add(why);
    }
    for (CopyRules.Reason why : reasons) {
      replacedCopies.merge(why, 1L, Long::sum);
    }
    return true;
  }

  private void flush(List<Word> run, dev.rstt.avro.Segment in, String stt, String provider,
      Timeline.Changes changes) {
    if (run.isEmpty()) {
      return;
    }
    timeline.place(Segment.of(null, stt, provider, in.getSpeaker(), in.getSpeakerId(), in.getIsUser(), null, run),
        changes);
  }

  // ---------------------------------------------------------------------------------------------- statuses

  /**
   * Applies a status change (section 6.5) and recomputes completeness (6.6). Episodes are matched by their
   * audio offsets ({@link Episodes}); the app sees one {@code stt_degraded}/{@code stt_recovered} pair per
   * visible episode, however many overlapping episodes it spans.
   */
  public Optional<SessionUpdate> apply(StatusChanged change, long nowMs) {
    EventChecks.validate(sessionId, change);
    lastActivityMs = nowMs;
    fillUser(change.getUserId());
    boolean wasComplete = complete();
    boolean forward;
    String episodeNote = "";
    switch (change.getStatus()) {
      case READY -> {
        forward = !readyForwarded;
        readyForwarded = true;
      }
      case STT_DEGRADED -> {
        forward = episodes.degraded(change.getAtOffsetSamples());
        episodeNote = " (from sample " + change.getAtOffsetSamples() + "; open episodes start at "
            + episodes.openOffsets() + ")";
      }
      case STT_RECOVERED -> {
        int closed = episodes.recovered(change.getAtOffsetSamples(), change.getDegradedToSamples());
        forward = closed > 0 && !episodes.anyOpen();
        episodeNote = " (at sample " + change.getAtOffsetSamples() + ", degraded audio to "
            + change.getDegradedToSamples() + ": closed " + closed + "; open episodes start at "
            + episodes.openOffsets() + ")";
      }
      case BATCH_FINISHED -> {
        forward = false;
        batchFinished = true;
        episodes.finished();
      }
      case LIVE_FINISHED -> {
        forward = false;
        liveFinished = true;
      }
      default -> forward = true; // chunk_lost and anything newer: the app ignores what it does not know
    }
    StatusRecord forwarded = null;
    if (forward) {
      forwarded = new StatusRecord(change.getStatus(), change.getStatusText(),
          change.getMetadata() == null ? Map.of() : change.getMetadata(), change.getOccurredAtMs());
      statuses.add(forwarded);
      if (statuses.size() > MAX_STATUS_HISTORY) {
        statuses.remove(0);
        history.statuses++; // its position is used: it left the history without reaching the history store
      }
      log.info("Status {} forwarded{}", change.getStatus(), episodeNote);
    } else {
      log.info("Status {} applied, not forwarded{}", change.getStatus(), episodeNote);
    }
    if (complete() != wasComplete) {
      log.info("Transcript complete={}", complete());
    }
    if (forwarded == null && complete() == wasComplete) {
      return Optional.empty();
    }
    return Optional.of(update(List.of(), List.of(), forwarded));
  }

  // ---------------------------------------------------------------------------------------------- tail

  /**
   * Takes out of this transcript what no later event can change (docs/CONTRACT.md section 6.8): segments ending
   * more than {@code horizon} of audio before the latest audio seen and before every open degraded episode,
   * statuses beyond the newest few, stt_sessions long gone. The caller writes them to the history store once;
   * what stays is the open tail, whose size depends on the horizon, not on the length of the session.
   */
  public Closing close(Duration horizon) {
    return Closing.close(this, horizon);
  }

  /** A word before the open tail: closed words could be its copies, or a closed segment its predecessor. */
  private boolean late(Word w) {
    return history.late(w) || (history.untilUs >= 0 && w.start() < timeline.firstStart());
  }

  // ---------------------------------------------------------------------------------------------- state

  /**
   * Audio ended ({@code live_finished} or {@code batch_finished}) and no degraded episode is open: every
   * episode's recovery (published after its batch segments) or {@code batch_finished} has been applied.
   */
  public boolean complete() {
    return (liveFinished || batchFinished) && !episodes.anyOpen();
  }

  /** Finished sessions expire after {@code retention} of inactivity; unfinished ones after {@code abandoned}. */
  public boolean expired(long nowMs, Duration retention, Duration abandoned) {
    long idle = nowMs - lastActivityMs;
    return idle >= (complete() ? retention : abandoned).toMillis();
  }

  private SessionUpdate update(List<Segment> changed, List<String> removed, StatusRecord status) {
    revision++;
    List<TranscriptSegment> out = new ArrayList<>(changed.size());
    for (Segment s : changed) {
      out.add(s.toAvro());
    }
    return SessionUpdate.newBuilder()
        .setSessionId(sessionId)
        .setUserId(userId)
        .setRevision(revision)
        .setSegments(out)
        .setRemovedSegmentIds(new ArrayList<>(removed))
        .setStatus(status == null ? null : new StatusEvent(status.status(), status.statusText(),
            new HashMap<>(status.metadata())))
        .setComplete(complete())
        .build();
  }

  private void fillUser(String candidate) {
    if (userId == null && candidate != null && !candidate.isBlank()) {
      userId = candidate;
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  // ---------------------------------------------------------------------------------------------- accessors

  public String sessionId() {
    return sessionId;
  }

  public String userId() {
    return userId;
  }

  public long revision() {
    return revision;
  }

  /** The open tail's segments, by start (all of them until {@link #close} first closes some). */
  public List<Segment> segments() {
    return timeline.segments();
  }

  /** What has left the open tail, and where it begins. */
  public History history() {
    return history;
  }

  /** The audio each stt_session received, as its records said. */
  public Coverage coverage() {
    return coverage;
  }

  public List<StatusRecord> statuses() {
    return Collections.unmodifiableList(statuses);
  }

  public AppliedRecords applied() {
    return applied;
  }

  public boolean readyForwarded() {
    return readyForwarded;
  }

  public boolean episodeOpen() {
    return episodes.anyOpen();
  }

  /** Start offsets of the open degraded episodes, ascending. */
  public List<Long> openEpisodes() {
    return episodes.openOffsets();
  }

  public boolean liveFinished() {
    return liveFinished;
  }

  public boolean batchFinished() {
    return batchFinished;
  }

  public long lastActivityMs() {
    return lastActivityMs;
  }

  /** Words dropped on arrival, a better copy being accepted already, by this instance's {@code apply} calls. */
  public long droppedWords() {
    return droppedWords;
  }

  /** Accepted copies replaced by a better later copy by this instance's {@code apply} calls, by reason. */
  public Map<CopyRules.Reason, Long> replacedCopies() {
    return Collections.unmodifiableMap(replacedCopies);
  }

  /** Records ignored as redeliveries by this instance's {@code apply} calls. */
  public long ignoredRedeliveries() {
    return ignoredRedeliveries;
  }

  /** Words that arrived from before the open tail, by this instance's {@code apply} calls. */
  public long lateWords() {
    return lateWords;
  }

  // ---------------------------------------------------------------------------------------------- restore

  /** Rebuilds a transcript from its stored form (the codec's side of the store). */
  public static SessionTranscript restore(String sessionId, String userId, long revision, List<Segment> segments,
      List<AppliedRecords.Range> applied, Coverage coverage, List<StatusRecord> statuses, boolean readyForwarded,
      List<Long> openEpisodes, boolean liveFinished, boolean batchFinished, long lastActivityMs,
      History.Stored history) {
    SessionTranscript t = new SessionTranscript(sessionId);
    t.history = History.restore(history);
    t.userId = userId;
    t.revision = revision;
    segments.forEach(t.timeline::restore);
    applied.forEach(t.applied::restore);
    t.coverage = coverage;
    t.statuses.addAll(statuses);
    t.readyForwarded = readyForwarded;
    t.episodes = Episodes.restore(openEpisodes);
    t.liveFinished = liveFinished;
    t.batchFinished = batchFinished;
    t.lastActivityMs = lastActivityMs;
    return t;
  }
}
