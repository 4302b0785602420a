package dev.rstt.batch.session;

import dev.rstt.batch.chunking.AudioBuffer;
import dev.rstt.batch.chunking.CutPolicy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one session knows on the batch path, shared by its rule classes ({@link SessionCore}, {@link AudioRules},
 * {@link ChunkRules}, {@link StatusRules}), and the effects of the input being applied. The mode changes only in
 * {@link #transitionTo}.
 */
final class SessionState {

  private static final Logger log = LoggerFactory.getLogger(SessionCore.class);

  final BatchSettings settings;
  final CutPolicy policy;
  final IdSource ids;
  final ChunkBackoff backoff;
  private final List<Effect> out = new ArrayList<>();
  long now;

  private SessionMode mode = SessionMode.WAITING;
  String userId;
  String language = "en";
  /** The session's keyterms (docs/CONTRACT.md section 2), from its latest chunk. */
  java.util.List<String> keyterms = java.util.List.of();
  int sampleRate;
  int channels = 1;

  /** The open episode's audio not yet cut (null before any, or after a change of format). */
  AudioBuffer<HeldRecord> buffer;
  /** Session-timeline sample just past the last audio accepted in this episode; -1 before any. */
  long nextSample = -1;
  /** The samples accepted in this episode. */
  final Coverage accepted = new Coverage();
  /** The open degraded episode, or null. */
  Episode episode;
  /** The end of the open episode's degraded audio (the latest sample accepted in it, a replay's included). */
  long episodeEnd = -1;
  int episodes;
  long lastAudioAt;
  /** Idle periods since the last audio (time the worker read and the session sent nothing, in idle-flush units). */
  int idleCuts;
  long lastRecordAt;
  /** The worker is not reading (memory cap, failing publishes): no idle flush. */
  boolean paused;

  long nextChunkSeq;
  /** Chunks cut and not yet acknowledged, by seq. */
  final TreeMap<Long, BatchChunk> outstanding = new TreeMap<>();
  final Map<String, BatchChunk> chunksBySttSession = new HashMap<>();
  final Deque<PendingStatus> statuses = new ArrayDeque<>();
  long nextStatus;

  SessionState(BatchSettings settings, IdSource ids, Jitter jitter, long now) {
    this.settings = settings;
    this.policy = settings.cutPolicy();
    this.ids = ids;
    this.backoff = new ChunkBackoff(settings, jitter);
    this.now = now;
    this.lastAudioAt = now;
    this.lastRecordAt = now;
  }

  SessionMode mode() {
    return mode;
  }

  /** The only place a session's mode changes: refuses a change the table does not allow, logs one line. */
  void transitionTo(SessionMode next, String why) {
    if (!next.canFollow(mode)) {
      throw new IllegalStateException("Illegal session mode change " + mode + " -> " + next + " (" + why + ")");
    }
    log.info("Batch session {} -> {}: {}", mode, next, why);
    mode = next;
  }

  boolean hasBufferedAudio() {
    return buffer != null && !buffer.isEmpty();
  }

  /** Nothing buffered, outstanding or waiting. */
  boolean isIdle() {
    return !hasBufferedAudio() && outstanding.isEmpty() && statuses.isEmpty();
  }

  // ---- effects of the input being applied

  void begin(long at) {
    this.now = at;
    out.clear();
  }

  List<Effect> effects() {
    return List.copyOf(out);
  }

  void emit(Effect effect) {
    out.add(effect);
  }

  void publish(AckKey key, Outbound value) {
    out.add(new Effect.Publish(key, value));
  }

  // ---- the commit rule of the records the session holds

  void seal(HeldRecord record) {
    if (record.seal()) {
      out.add(new Effect.RecordDone(record.ref));
    }
  }

  void release(HeldRecord record) {
    if (record.release()) {
      out.add(new Effect.RecordDone(record.ref));
    }
  }

  /** The session is over: its memory released, and nothing follows. */
  void finish(String why) {
    buffer = null;
    outstanding.clear();
    chunksBySttSession.clear();
    statuses.clear();
    transitionTo(SessionMode.ENDED, why);
    out.add(new Effect.Finished());
  }
}
