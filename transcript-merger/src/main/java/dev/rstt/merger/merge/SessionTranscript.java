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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's merged transcript and status, and the rules of docs/CONTRACT.md section 6 that change it.
 * Each input event yields at most one {@link SessionUpdate}: the segments it created or grew (ids stable), the
 * status it forwards, whether the transcript is complete, and the next revision.
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
  private final List<Segment> segments = new ArrayList<>();
  private final Set<String> ids = new HashSet<>();
  private final AppliedRecords applied = new AppliedRecords();
  private final List<StatusRecord> statuses = new ArrayList<>();
  private boolean readyForwarded;
  private boolean episodeOpen;
  private boolean liveFinished;
  private boolean batchFinished;
  private long lastActivityMs;
  // Counters of what this instance's apply calls dropped (not persisted; for metrics).
  private long droppedWords;
  private long ignoredRedeliveries;

  public SessionTranscript(String sessionId) {
    this.sessionId = sessionId;
  }

  // ---------------------------------------------------------------------------------------------- segments

  /** Applies one worker result (redelivery, dedup, placement, combine). */
  public Optional<SessionUpdate> apply(SegmentsProduced produced, long nowMs) {
    validate(produced);
    lastActivityMs = nowMs;
    fillUser(produced.getUserId());
    String stt = blankToNull(produced.getSttSession());
    if (stt != null && !applied.add(stt, produced.getSeq())) {
      log.debug("Ignoring redelivered result {}#{}", stt, produced.getSeq());
      ignoredRedeliveries++;
      return Optional.empty();
    }
    Map<String, Segment> upserts = new LinkedHashMap<>();
    int dropped = 0;
    List<dev.rstt.avro.Segment> input = new ArrayList<>(produced.getSegments());
    input.sort(Comparator.comparingDouble(dev.rstt.avro.Segment::getStart));
    for (dev.rstt.avro.Segment in : input) {
      List<Word> run = new ArrayList<>();
      for (Word w : wordsOf(in, stt)) {
        if (isCoveredByAnotherSttSession(w)) {
          dropped++;
          flush(run, in, stt, produced.getSttProvider(), upserts);
          run = new ArrayList<>();
        } else {
          run.add(w);
        }
      }
      flush(run, in, stt, produced.getSttProvider(), upserts);
    }
    droppedWords += dropped;
    if (dropped > 0) {
      log.debug("Dropped {} words of {}#{} already transcribed by another stt_session", dropped, stt,
          produced.getSeq());
    }
    if (upserts.isEmpty()) {
      return Optional.empty();
    }
    List<Segment> changed = new ArrayList<>(upserts.values());
    changed.sort(Comparator.comparingDouble(Segment::start));
    return Optional.of(update(changed, null));
  }

  private void flush(List<Word> run, dev.rstt.avro.Segment in, String stt, String provider,
      Map<String, Segment> upserts) {
    if (run.isEmpty()) {
      return;
    }
    List<String> texts = new ArrayList<>(run.size());
    double end = run.get(0).end();
    for (Word w : run) {
      texts.add(w.text());
      end = Math.max(end, w.end());
    }
    Segment candidate = new Segment(null, stt, provider, in.getSpeaker(), in.getSpeakerId(), in.getIsUser(), null,
        run.get(0).start(), end, CombineRules.normalize(String.join(" ", texts)), run);
    place(candidate, upserts);
  }

  /** Inserts by start time (after equal starts) and combines with the segment just before it, if the rules allow. */
  private void place(Segment candidate, Map<String, Segment> upserts) {
    int at = segments.size();
    while (at > 0 && segments.get(at - 1).start() > candidate.start()) {
      at--;
    }
    Segment previous = at > 0 ? segments.get(at - 1) : null;
    if (CombineRules.canMerge(previous, candidate)) {
      previous.absorb(candidate);
      upserts.put(previous.id(), previous);
      return;
    }
    Segment placed = candidate.withId(newId(candidate));
    segments.add(at, placed);
    ids.add(placed.id());
    upserts.put(placed.id(), placed);
  }

  /** Deterministic: session, stt_session and first word start; a clash (same start) takes the next suffix. */
  private String newId(Segment s) {
    String base = sessionId + "/" + (s.sttSession() == null ? "-" : s.sttSession()) + "/"
        + Math.round(s.start() * 1_000_000d);
    String id = UUID.nameUUIDFromBytes(base.getBytes(StandardCharsets.UTF_8)).toString();
    for (int n = 1; ids.contains(id); n++) {
      id = UUID.nameUUIDFromBytes((base + "#" + n).getBytes(StandardCharsets.UTF_8)).toString();
    }
    return id;
  }

  private boolean isCoveredByAnotherSttSession(Word w) {
    for (Segment s : segments) {
      if (s.start() > w.end() || s.end() < w.start()) {
        continue;
      }
      for (Word accepted : s.words()) {
        if (WordOverlap.isDuplicate(accepted, w)) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<Word> wordsOf(dev.rstt.avro.Segment in, String stt) {
    List<Word> words = new ArrayList<>();
    for (dev.rstt.avro.Word w : in.getWords()) {
      if (!w.getText().isBlank()) {
        words.add(new Word(w.getText().strip(), w.getStart(), w.getEnd(), stt));
      }
    }
    if (words.isEmpty() && !in.getText().isBlank()) {
      words.add(new Word(in.getText().strip(), in.getStart(), in.getEnd(), stt)); // a producer without words
    }
    words.sort(Comparator.comparingDouble(Word::start));
    return words;
  }

  // ---------------------------------------------------------------------------------------------- statuses

  /** Applies a status change (section 6.5) and recomputes completeness (6.6). */
  public Optional<SessionUpdate> apply(StatusChanged change, long nowMs) {
    validate(change);
    lastActivityMs = nowMs;
    fillUser(change.getUserId());
    boolean wasComplete = complete();
    boolean forward;
    switch (change.getStatus()) {
      case READY -> {
        forward = !readyForwarded;
        readyForwarded = true;
      }
      case STT_DEGRADED -> {
        forward = !episodeOpen;
        episodeOpen = true;
      }
      case STT_RECOVERED -> {
        forward = episodeOpen;
        episodeOpen = false;
      }
      case BATCH_FINISHED -> {
        forward = false;
        batchFinished = true;
        episodeOpen = false;
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
      }
      log.info("Status {} forwarded", change.getStatus());
    } else {
      log.info("Status {} applied, not forwarded", change.getStatus());
    }
    if (complete() != wasComplete) {
      log.info("Transcript complete={}", complete());
    }
    if (forwarded == null && complete() == wasComplete) {
      return Optional.empty();
    }
    return Optional.of(update(List.of(), forwarded));
  }

  // ---------------------------------------------------------------------------------------------- state

  /** Audio ended ({@code live_finished} or {@code batch_finished}) and no degraded episode is open. */
  public boolean complete() {
    return (liveFinished || batchFinished) && !episodeOpen;
  }

  /** Finished sessions expire after {@code retention} of inactivity; unfinished ones after {@code abandoned}. */
  public boolean expired(long nowMs, Duration retention, Duration abandoned) {
    long idle = nowMs - lastActivityMs;
    return idle >= (complete() ? retention : abandoned).toMillis();
  }

  private SessionUpdate update(List<Segment> changed, StatusRecord status) {
    revision++;
    List<TranscriptSegment> out = new ArrayList<>(changed.size());
    for (Segment s : changed) {
      out.add(toAvro(s));
    }
    return SessionUpdate.newBuilder()
        .setSessionId(sessionId)
        .setUserId(userId)
        .setRevision(revision)
        .setSegments(out)
        .setRemovedSegmentIds(List.of())
        .setStatus(status == null ? null : new StatusEvent(status.status(), status.statusText(),
            new HashMap<>(status.metadata())))
        .setComplete(complete())
        .build();
  }

  public static TranscriptSegment toAvro(Segment s) {
    return TranscriptSegment.newBuilder()
        .setId(s.id())
        .setText(s.text())
        .setSpeaker(s.speaker())
        .setSpeakerId(s.speakerId())
        .setIsUser(s.isUser())
        .setPersonId(s.personId())
        .setStart(s.start())
        .setEnd(s.end())
        .setSttProvider(s.sttProvider())
        .setSttSession(s.sttSession())
        .build();
  }

  private void fillUser(String candidate) {
    if (userId == null && candidate != null && !candidate.isBlank()) {
      userId = candidate;
    }
  }

  private void validate(SegmentsProduced p) {
    requireSession(p.getSessionId());
    if (p.getSeq() < 0) {
      throw new InvalidEventException("SegmentsProduced seq " + p.getSeq() + " is negative");
    }
    for (dev.rstt.avro.Segment s : p.getSegments()) {
      requireSpan("segment", s.getStart(), s.getEnd());
      for (dev.rstt.avro.Word w : s.getWords()) {
        requireSpan("word", w.getStart(), w.getEnd());
      }
    }
  }

  private void validate(StatusChanged c) {
    requireSession(c.getSessionId());
    if (c.getStatus() == null || c.getStatus().isBlank()) {
      throw new InvalidEventException("StatusChanged without a status");
    }
  }

  private void requireSession(String recordSession) {
    if (!sessionId.equals(recordSession)) {
      throw new InvalidEventException("Record session_id does not match its key");
    }
  }

  private static void requireSpan(String what, double start, double end) {
    if (!Double.isFinite(start) || !Double.isFinite(end) || start < 0 || end < start) {
      throw new InvalidEventException("Invalid " + what + " time span [" + start + ", " + end + "]");
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

  public List<Segment> segments() {
    return Collections.unmodifiableList(segments);
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
    return episodeOpen;
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

  /** Words dropped as second copies by this instance's {@code apply} calls. */
  public long droppedWords() {
    return droppedWords;
  }

  /** Records ignored as redeliveries by this instance's {@code apply} calls. */
  public long ignoredRedeliveries() {
    return ignoredRedeliveries;
  }

  // ---------------------------------------------------------------------------------------------- restore

  /** Rebuilds a transcript from its stored form (the codec's side of the store). */
  public static SessionTranscript restore(String sessionId, String userId, long revision, List<Segment> segments,
      List<AppliedRecords.Range> applied, List<StatusRecord> statuses, boolean readyForwarded, boolean episodeOpen,
      boolean liveFinished, boolean batchFinished, long lastActivityMs) {
    SessionTranscript t = new SessionTranscript(sessionId);
    t.userId = userId;
    t.revision = revision;
    for (Segment s : segments) {
      t.segments.add(s);
      t.ids.add(s.id());
    }
    applied.forEach(t.applied::restore);
    t.statuses.addAll(statuses);
    t.readyForwarded = readyForwarded;
    t.episodeOpen = episodeOpen;
    t.liveFinished = liveFinished;
    t.batchFinished = batchFinished;
    t.lastActivityMs = lastActivityMs;
    return t;
  }
}
