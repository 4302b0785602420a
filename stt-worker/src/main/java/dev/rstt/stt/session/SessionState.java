package dev.rstt.stt.session;

import dev.rstt.avro.SessionEnded;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one session knows, shared by its rule classes ({@link SessionCore}, {@link LiveRules},
 * {@link DegradedRules}), and the effects of the input being applied. The mode changes only in
 * {@link #transitionTo}.
 */
final class SessionState {

  private static final Logger log = LoggerFactory.getLogger(SessionCore.class);

  enum Attempt { NONE, INITIAL, RECOVERY }

  final SessionSettings settings;
  final IdSource ids;
  final RecoveryBackoff backoff;
  final Chunks chunks = new Chunks();
  private final List<Effect> out = new ArrayList<>();
  long now;

  private SessionMode mode = SessionMode.IDLE;
  /** No SessionStarted seen: this worker took the session over (rebalance, crash, idle close). */
  boolean coldTakeover = true;
  String userId;
  String language;
  /** The session's keyterms (docs/CONTRACT.md section 2), from SessionStarted or the latest chunk. */
  java.util.List<String> keyterms = java.util.List.of();
  int sampleRate;
  int channels;
  long lastSeq = -1;
  long lastChunkEnd;
  long lastAudioAt;
  boolean readySent;
  Connection connection;
  /** The worker holds audio back (consumption paused): stalls are not counted. */
  boolean consumptionPaused;

  /** A connection attempt waiting for the breaker's answer, and whether the question was asked. */
  Attempt wanted = Attempt.NONE;
  boolean asked;
  long initialStart;

  DegradedEpisode episode;
  int episodes;
  /** End of the latest chunk whose re-publication Kafka acknowledged: the batch worker may cut there. */
  long ackedRerouteEnd = Long.MIN_VALUE;
  long recoverAt = -1;
  int failures;
  boolean permanentLogged;

  SessionEnded ended;
  RecordRef endRef;
  boolean endHandled;
  boolean endForwardPending;
  /** SessionEnded was forwarded to audio.degraded (docs/CONTRACT.md section 4): its acknowledgement ends it. */
  boolean endForwarded;

  SessionState(SessionSettings settings, IdSource ids, Jitter jitter, long now) {
    this.settings = settings;
    this.ids = ids;
    this.backoff = new RecoveryBackoff(settings, jitter);
    this.lastAudioAt = now;
  }

  SessionMode mode() {
    return mode;
  }

  /** The only place a session's mode changes: refuses a change the table does not allow, logs one line. */
  void transitionTo(SessionMode next, String why) {
    if (!next.canFollow(mode)) {
      throw new IllegalStateException("Illegal session mode change " + mode + " -> " + next + " (" + why + ")");
    }
    log.info("Session {} -> {}: {}", mode, next, why);
    mode = next;
  }

  boolean isCurrent(String sttSession) {
    return connection != null && connection.sttSession.equals(sttSession);
  }

  // ---- effects of the input being applied

  void begin(long now) {
    this.now = now;
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

  void publishStatus(AckKey key, String status, String sttSession, Map<String, String> metadata, long at) {
    publish(key, new Outbound.Status(status, sttSession, metadata, at));
  }

  void markDone(Chunk chunk) {
    chunk.done = true;
    out.add(new Effect.RecordDone(chunk.ref));
  }

  /** Drops the current connection (its socket, or its handshake) if there is one. */
  void dropConnection() {
    if (connection != null) {
      out.add(new Effect.AbortSocket(connection.sttSession));
      connection = null;
    }
  }

  /**
   * The session is over (its end acknowledged, or idle): rerouted chunks held as a possible overlap are done, its
   * end record is done, its memory released, and nothing follows.
   */
  void finish(String why) {
    dropConnection();
    for (Chunk c : chunks.held()) {
      if (!c.done && c.state == Chunk.State.REROUTED) {
        markDone(c);
      }
    }
    if (endRef != null) {
      out.add(new Effect.RecordDone(endRef));
    }
    chunks.clear();
    transitionTo(SessionMode.ENDED, why);
    out.add(new Effect.Finished());
  }

  /** Asks the breaker for a connection attempt (at the end of this input's effects). */
  void want(Attempt attempt) {
    wanted = attempt;
  }
}
