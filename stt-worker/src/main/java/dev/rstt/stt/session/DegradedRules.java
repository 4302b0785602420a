package dev.rstt.stt.session;

import dev.rstt.common.deepgram.DeepgramFailure;
import dev.rstt.schemas.Statuses;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The switches of docs/CONTRACT.md section 4: live to degraded (reroute, stt_degraded once per episode after the
 * first reroute is acknowledged, a held SessionEnded), and degraded back to live (back-off, overlap, LiveResumed).
 */
final class DegradedRules {

  private static final Logger log = LoggerFactory.getLogger(SessionCore.class);

  private final SessionState s;
  private final LiveRules live;

  DegradedRules(SessionState s, LiveRules live) {
    this.s = s;
    this.live = live;
  }

  /**
   * Live failed: every chunk not done goes to audio.degraded, then every later one; a recovery is scheduled. When
   * the connection that died is a recovery connection that owed the switch point (its LiveResumed published, its
   * acknowledged finals short of S), the new episode first re-publishes the overlap it was sent and did not
   * finalise: the batch worker cut at S, and that overlap holds the word across it whole.
   */
  void goDegraded(String reason, DeepgramFailure failure) {
    Connection dying = s.connection;
    boolean owed = dying != null && dying.owesTheSwitch();
    s.dropConnection();
    if (s.episode == null || s.episode.resumeWasSent()) {
      s.episode = new DegradedEpisode(++s.episodes, reason, dying != null && dying.opened ? dying.sttSession : null);
      if (owed) {
        s.episode.startsAt(dying.resumeAt);
        log.info("Recovery connection {} died before its finals passed the switch point {} (acknowledged to {}): "
            + "its overlap goes to audio.degraded again", dying.sttSession, dying.resumeAt, dying.ackedWordSafe);
      }
    }
    s.transitionTo(SessionMode.DEGRADED, reason);
    for (Chunk chunk : s.chunks.held()) {
      boolean itsOverlap = dying != null && chunk.prerollOf == dying;
      chunk.prerollOf = null; // unless re-published below: a possible overlap of the next recovery, as before
      if (chunk.done || chunk.state == Chunk.State.REROUTING) {
        continue;
      }
      if (chunk.state != Chunk.State.REROUTED) {
        reroute(chunk);
      } else if (owed && itsOverlap) {
        republish(chunk);
      }
    }
    if (dying != null) {
      dying.preroll.clear();
    }
    if (s.ended != null) {
      finishDegraded();
    } else {
      s.recoverAt = s.now + s.backoff.afterFailure(s.failures, failure);
    }
  }

  /** Re-publishes a chunk unchanged, and keeps it a while for a recovery's overlap. */
  void reroute(Chunk chunk) {
    long overlap = s.settings.overlapSamples(s.sampleRate);
    s.chunks.keepForOverlap(chunk, Preroll.retainAfter(s.lastChunkEnd, overlap, s.sampleRate));
    republish(chunk);
  }

  /** Publishes a chunk to audio.degraded unchanged (again, for the overlap of a recovery that died). */
  private void republish(Chunk chunk) {
    chunk.state = Chunk.State.REROUTING;
    chunk.prerollOf = null;
    chunk.rerouteEpisode = s.episode.number();
    s.episode.rerouted(chunk.start);
    s.publish(new AckKey.Reroute(chunk.seq), new Outbound.Reroute(chunk.record));
  }

  /**
   * The reroute of chunk {@code seq} is acknowledged: the chunk is done unless it may still be a recovery's overlap
   * (then held, so that a worker that takes the session over re-reads it and starts live before the point where
   * the batch worker cuts), and the first acknowledged reroute of the open episode announces it.
   */
  void onRerouteAcked(long seq) {
    Chunk chunk = s.chunks.find(seq);
    if (chunk == null || chunk.done || chunk.state != Chunk.State.REROUTING) {
      return;
    }
    chunk.state = Chunk.State.REROUTED;
    s.ackedRerouteEnd = Math.max(s.ackedRerouteEnd, chunk.end);
    releaseOutOfReach(false);
    s.chunks.prune();
    if (s.episode == null) {
      return;
    }
    if (s.episode.number() == chunk.rerouteEpisode && s.episode.dueAnnouncement()) {
      s.episode.announced();
      Map<String, String> metadata = new LinkedHashMap<>();
      metadata.put("batch_mode", "true");
      metadata.put("batch_interval_seconds", Long.toString(s.settings.batchInterval().toSeconds()));
      metadata.put("reason", s.episode.reason() == null ? "unknown" : s.episode.reason());
      s.publishStatus(new AckKey.Degraded(s.episode.number()), Statuses.STT_DEGRADED, s.episode.diedSttSession(),
          metadata, s.episode.fromSamples());
    }
    releaseFollowers();
  }

  /**
   * Rerouted, acknowledged chunks out of every recovery's reach are done: a recovery connection's own overlap once
   * its acknowledged finals' word-safe point passes it; any other once it ends a whole {@code recovery-overlap} before the end of the
   * acknowledged degraded audio (where the batch worker may cut), or when {@code liveAgain} (the LiveResumed of the
   * connection whose overlap it is not is acknowledged).
   */
  private void releaseOutOfReach(boolean liveAgain) {
    long reach = s.ackedRerouteEnd - s.settings.overlapSamples(s.sampleRate);
    for (Chunk chunk : s.chunks.held()) {
      if (chunk.done || chunk.state != Chunk.State.REROUTED) {
        continue;
      }
      boolean out = chunk.prerollOf != null ? chunk.end <= chunk.prerollOf.ackedWordSafe
          : liveAgain || chunk.end <= reach;
      if (out) {
        s.markDone(chunk);
      }
    }
  }

  /** stt_degraded of {@code episode} is acknowledged: what waited for it may follow. */
  void onDegradedAcked(int episode) {
    if (s.episode != null && s.episode.number() == episode) {
      s.episode.acknowledged();
    }
    releaseFollowers();
  }

  /**
   * What must come after the episode's audio on audio.degraded (LiveResumed, a forwarded SessionEnded) waits until
   * stt_degraded and every rerouted chunk are acknowledged, so its order there never rests on the producer alone.
   */
  private boolean followersHeld() {
    return (s.episode != null && s.episode.holdsFollowers()) || s.chunks.reroutesOutstanding();
  }

  private void releaseFollowers() {
    tryCompleteResume();
    if (s.endForwardPending && !followersHeld()) {
      forwardEnd();
    }
  }

  /** SessionEnded while degraded: forwarded after stt_degraded (or live_finished if nothing was rerouted). */
  void finishDegraded() {
    if (s.endHandled) {
      return;
    }
    s.endHandled = true;
    s.recoverAt = -1;
    if (s.episode.anyRerouted() || !s.chunks.allDone()) {
      if (followersHeld()) {
        s.endForwardPending = true; // after stt_degraded (batch_finished cannot overtake it) and the audio
      } else {
        forwardEnd();
      }
    } else {
      s.publishStatus(new AckKey.LiveFinished(), Statuses.LIVE_FINISHED, null, Map.of(),
          s.ended.getEndOffsetSamples());
    }
  }

  private void forwardEnd() {
    s.endForwardPending = false;
    s.endForwarded = true;
    log.info("Session ended while degraded: forwarding SessionEnded");
    s.publish(new AckKey.EndForwarded(), new Outbound.EndForward(s.ended));
  }

  /**
   * {@code live_finished} is acknowledged: SessionEnded goes to audio.degraded too, for every session. Its
   * {@code batch_finished} closes any degraded episode that no recovery closes: one left open by an owner that was
   * killed, when its successor took the session for a new one (it re-read the session's SessionStarted) or resumed
   * live where the batch worker can no longer tell that owner's episode from its own (docs/CONTRACT.md section 4).
   * Nothing waits: every chunk this owner re-published, and its stt_degraded, were acknowledged before it went
   * back to live, and before live_finished.
   */
  void forwardEndAfterLiveFinished() {
    s.endForwarded = true;
    log.info("Session ended: forwarding SessionEnded after live_finished");
    s.publish(new AckKey.EndForwarded(), new Outbound.EndForward(s.ended));
  }

  // ---- back to live

  /** A tick: a recovery whose time has come asks the breaker. */
  void onTick() {
    if (s.mode() == SessionMode.DEGRADED && s.recoverAt >= 0 && s.now >= s.recoverAt && s.ended == null) {
      s.recoverAt = -1;
      s.want(SessionState.Attempt.RECOVERY);
    }
  }

  /** The breaker let calls through again: degraded sessions come back spread over recovery-spread. */
  void onBreakerAllowsCalls() {
    if (s.mode() == SessionMode.DEGRADED && s.ended == null) {
      s.recoverAt = s.now + s.backoff.spread();
    }
  }

  void onRecoveryPermission(boolean permitted) {
    if (s.mode() != SessionMode.DEGRADED) {
      return;
    }
    if (permitted) {
      s.transitionTo(SessionMode.RECOVERING, "breaker permitted a recovery");
      live.open(new Connection(s.ids.next(), true));
    } else {
      s.recoverAt = s.now + s.backoff.afterDenied();
    }
  }

  void recoveryFailed(String reason, DeepgramFailure failure) {
    s.transitionTo(SessionMode.DEGRADED, "recovery failed: " + reason);
    s.recoverAt = s.now + s.backoff.afterFailure(s.failures, failure);
  }

  /** The recovery connection opened: it gets the overlap, then waits for the switch chunk. */
  void onRecoveryOpened(Connection c) {
    long switchAt = s.lastChunkEnd;
    List<Chunk> preroll = Preroll.select(s.chunks.overlap(), switchAt, s.settings.overlapSamples(s.sampleRate));
    c.startAt(preroll.isEmpty() ? switchAt : preroll.get(0).start);
    for (Chunk o : preroll) {
      s.emit(new Effect.SendAudio(c.sttSession, o.record));
      c.sentEnd = o.end;
      if (!o.done) {
        o.prerollOf = c; // held until c's acknowledged finals cover it, or re-published if c dies owing S
        c.preroll.add(o);
      }
    }
    log.info("Recovery connection {} open: overlap from sample {}, switch at {}", c.sttSession, c.startSamples,
        switchAt);
    s.transitionTo(SessionMode.RESUMING, "recovery connection open");
    live.announceReady(c);
    tryCompleteResume();
  }

  /**
   * Finishes a recovery once stt_degraded and every rerouted chunk are acknowledged and the switch chunk (or the
   * end) is known.
   */
  void tryCompleteResume() {
    tryCompleteResume(false);
  }

  /** The session went idle while resuming: no switch chunk will come, so the switch is the end of the audio. */
  void resumeAtTheEnd() {
    tryCompleteResume(true);
  }

  private void tryCompleteResume(boolean idle) {
    if (s.mode() != SessionMode.RESUMING || s.episode.resumeWasSent() || followersHeld()) {
      return;
    }
    Chunk first = s.chunks.firstPending();
    if (first == null && s.ended == null && !idle) {
      return;
    }
    if (!s.episode.anyRerouted()) {
      goLive();
      return;
    }
    long resumeAt = first != null ? first.start : s.ended != null ? s.ended.getEndOffsetSamples() : s.lastChunkEnd;
    if (resumeAt <= s.episode.fromSamples()) {
      giveUpRecovery(resumeAt);
      return;
    }
    s.connection.resumeAt = resumeAt;
    s.episode.resumeSent();
    s.publish(new AckKey.LiveResumed(s.connection.sttSession, false),
        new Outbound.Resumed(resumeAt, s.connection.sttSession, false));
  }

  /** LiveResumed naming {@code sttSession} is acknowledged: the episode is over and held chunks go live. */
  void onResumedAcked(String sttSession) {
    if (s.isCurrent(sttSession) && s.mode() == SessionMode.RESUMING) {
      goLive();
    }
  }

  /**
   * An episode that re-published only the overlap of a recovery connection that died starts at that connection's
   * switch point; a recovery cannot resume there again (the merger tells episodes apart by F1 < S1 <= F2 < S2,
   * section 6.5). The connection is given up and the audio from the switch point on goes to audio.degraded first.
   */
  private void giveUpRecovery(long resumeAt) {
    Connection c = s.connection;
    log.info("Recovery connection {} given up: it would resume at {}, not after the episode's start {}",
        c.sttSession, resumeAt, s.episode.fromSamples());
    for (Chunk chunk : s.chunks.held()) {
      if (chunk.prerollOf == c) {
        chunk.prerollOf = null;
      }
    }
    s.dropConnection();
    s.transitionTo(SessionMode.DEGRADED, "nothing to resume after the episode's start");
    for (Chunk chunk : s.chunks.pending()) {
      reroute(chunk);
    }
    if (s.ended != null) {
      finishDegraded();
    } else {
      s.recoverAt = s.now + s.backoff.afterDenied();
    }
  }

  private void goLive() {
    Connection c = s.connection;
    s.episode = null;
    releaseOutOfReach(true);
    s.chunks.prune();
    s.chunks.keepOnlyOverlapOf(c);
    s.transitionTo(SessionMode.LIVE, "live again");
    live.sendPending();
    if (s.ended != null) {
      live.beginClose();
    }
  }
}
