package dev.rstt.stt.session;

import dev.rstt.common.deepgram.DeepgramFailure;
import dev.rstt.schemas.Statuses;
import dev.rstt.stt.deepgram.FinalResult;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live path of a session (docs/CONTRACT.md section 3): opening connections, sending audio, turning finals
 * into SegmentsProduced, the commit rule for live chunks, the socket timers and closing.
 */
final class LiveRules {

  private static final Logger log = LoggerFactory.getLogger(SessionCore.class);

  private final SessionState s;
  private DegradedRules degraded;

  LiveRules(SessionState s) {
    this.s = s;
  }

  void wire(DegradedRules degradedRules) {
    this.degraded = degradedRules;
  }

  /** First audio (or audio after an idle close): a live connection from {@code startSamples}. */
  void connectFirst(long startSamples, String why) {
    s.transitionTo(SessionMode.CONNECTING, why);
    s.initialStart = startSamples;
    s.want(SessionState.Attempt.INITIAL);
  }

  void onInitialPermission(boolean permitted) {
    if (s.mode() != SessionMode.CONNECTING) {
      return;
    }
    if (permitted) {
      Connection c = new Connection(s.ids.next(), false);
      c.startAt(s.initialStart);
      open(c);
    } else {
      degraded.goDegraded("breaker_open", DeepgramFailure.TRANSIENT);
    }
  }

  void open(Connection c) {
    s.connection = c;
    log.info("Opening live connection {} ({})", c.sttSession,
        c.recovery ? "recovery" : s.coldTakeover ? "take-over" : "new");
    s.emit(new Effect.OpenSocket(c.sttSession, s.language == null || s.language.isBlank() ? "en" : s.language,
        s.sampleRate, s.channels, s.keyterms, c.recovery));
  }

  /** An input from connection {@code sttSession}; ignored unless it is the session's current connection. */
  void onSocketInput(String sttSession, Input input) {
    if (!s.isCurrent(sttSession)) {
      return; // a connection the session already gave up
    }
    Connection c = s.connection;
    if (input instanceof Input.SocketOpened) {
      onOpened(c);
    } else if (input instanceof Input.ConnectFailed failed) {
      onConnectFailed(failed);
    } else if (input instanceof Input.FinalReceived fin) {
      onFinal(c, fin);
    } else if (input instanceof Input.MessageReceived) {
      if (c.timers != null) {
        c.timers.received(s.now);
      }
    } else if (input instanceof Input.SocketClosed closed) {
      c.open = false;
      if (c.closeStreamSent && closed.code() == 1000) {
        prove(c);
        c.closedNormally = true;
        maybeCompleteLive(c);
      } else {
        socketDied("socket_closed_" + closed.code(), closed.reason());
      }
    } else if (input instanceof Input.SocketFailed failed) {
      socketDied("socket_error", failed.detail());
    }
  }

  private void onOpened(Connection c) {
    c.open = true;
    c.opened = true;
    c.timers = new SocketTimers(s.settings, s.now);
    s.permanentLogged = false;
    if (s.mode() == SessionMode.CONNECTING) {
      log.info("Live connection {} open at sample {}", c.sttSession, c.startSamples);
      announceReady(c);
      if (s.coldTakeover) {
        s.coldTakeover = false;
        s.publish(new AckKey.LiveResumed(c.sttSession, true),
            new Outbound.Resumed(c.startSamples, c.sttSession, true));
      }
      s.transitionTo(SessionMode.LIVE, "connection open");
      sendPending();
      if (s.ended != null) {
        beginClose();
      }
    } else if (s.mode() == SessionMode.RECOVERING) {
      degraded.onRecoveryOpened(c);
    } else {
      s.dropConnection(); // the session moved on while the handshake was in flight
    }
  }

  void announceReady(Connection c) {
    if (!s.readySent) {
      s.readySent = true;
      s.publishStatus(new AckKey.Ready(c.sttSession), Statuses.READY, c.sttSession, Map.of(), c.startSamples);
    }
  }

  private void onConnectFailed(Input.ConnectFailed failed) {
    s.connection = null;
    s.failures++;
    if (failed.failure() == DeepgramFailure.PERMANENT) {
      if (!s.permanentLogged) {
        s.permanentLogged = true;
        log.error("Deepgram refused the live connection permanently ({}): check key, plan and parameters; "
            + "not retrying live before {}", failed.detail(), s.settings.breakerOpenWait());
      }
    } else {
      log.info("Live connection failed: {}", failed.detail());
    }
    if (s.mode() == SessionMode.CONNECTING) {
      degraded.goDegraded(failed.reason(), failed.failure());
    } else if (s.mode() == SessionMode.RECOVERING) {
      degraded.recoveryFailed(failed.reason(), failed.failure());
    }
  }

  /** Sends every chunk not sent anywhere yet to the current connection. */
  void sendPending() {
    for (Chunk chunk : s.chunks.pending()) {
      send(chunk);
    }
  }

  void send(Chunk chunk) {
    Connection c = s.connection;
    s.emit(new Effect.SendAudio(c.sttSession, chunk.record));
    chunk.state = Chunk.State.LIVE;
    chunk.connection = c;
    chunk.sentAt = s.now;
    c.timers.sent(s.now);
    c.sentEnd = chunk.end;
  }

  private void onFinal(Connection c, Input.FinalReceived fin) {
    c.timers.received(s.now);
    prove(c);
    long from = c.cursor;
    long to = Math.max(from, c.toSessionSamples(fin.result().cursor(), s.sampleRate));
    long seq = c.acceptFinal(to, !fin.result().words().isEmpty(), wordSafePoint(c, fin.result(), to));
    if (seq >= 0) {
      s.publish(new AckKey.Segments(c.sttSession, seq),
          new Outbound.Segments(c.sttSession, seq, from, to, c.startSamples, fin.result()));
    } else {
      advanceCovered(c); // an empty final covers its window without a record
    }
  }

  /**
   * Where a final leaves no word behind (docs/CONTRACT.md section 3): a final's window may end in the pause right
   * before a word, at its very onset or inside it (a Finalize flushes what was sent), and that word comes only in
   * a later final. So the point is the end of the final's last word, but never more than {@code recovery-overlap}
   * before the window's end (no word lasts that long; it bounds what a silence holds in memory).
   */
  private long wordSafePoint(Connection c, FinalResult result, long to) {
    long safe = to - s.settings.overlapSamples(s.sampleRate);
    for (FinalResult.Word w : result.words()) {
      safe = Math.max(safe, c.toSessionSamples(w.end(), s.sampleRate));
    }
    return Math.min(safe, to);
  }

  /** SegmentsProduced {@code seq} of {@code sttSession} is acknowledged. */
  void onSegmentsAcked(String sttSession, long seq) {
    if (s.isCurrent(sttSession)) {
      s.connection.acked(seq);
      advanceCovered(s.connection);
    }
  }

  /** The connection proved itself: the breaker counts a success, and the failure streak ends. */
  private void prove(Connection c) {
    if (!c.proved) {
      c.proved = true;
      s.failures = 0;
      s.emit(new Effect.AttemptProved(c.sttSession));
    }
  }

  /**
   * Chunks {@code c} transcribes (sent live on it, or rerouted and sent to it as overlap) that lie below its
   * acknowledged word-safe point are done, in order; the rest stays held, so a reroute after {@code c} dies starts
   * before any word its finals did not transcribe. A live recovery connection's overlap leaves memory as it is
   * finalised.
   */
  private void advanceCovered(Connection c) {
    for (Chunk chunk : s.chunks.held()) {
      if (!chunk.transcribedBy(c)) {
        continue;
      }
      if (chunk.end > c.ackedWordSafe) {
        break;
      }
      s.markDone(chunk);
    }
    s.chunks.prune();
    if (!c.preroll.isEmpty() && !s.mode().degraded()) {
      c.preroll.removeIf(o -> o.done);
      s.chunks.releaseDoneOverlap();
    }
    if (c.closedNormally) {
      maybeCompleteLive(c);
    }
  }

  /** Finalize + CloseStream: the session ended, or went idle. */
  void beginClose() {
    Connection c = s.connection;
    s.transitionTo(SessionMode.CLOSING, s.ended != null ? "session ended" : "session idle");
    s.emit(new Effect.Finalize(c.sttSession));
    s.emit(new Effect.CloseStream(c.sttSession));
    c.closeStreamSent = true;
    c.timers.closing(s.now);
  }

  /**
   * After a normal close following CloseStream and once every final is acknowledged, everything sent is covered.
   * Audio that arrived during an idle close goes to a new connection (which closes at the end if SessionEnded came
   * meanwhile); otherwise the session is finished (live_finished) or, idle, dropped.
   */
  private void maybeCompleteLive(Connection c) {
    if (!c.allAcked() || s.endHandled) {
      return;
    }
    for (Chunk chunk : s.chunks.held()) {
      if (chunk.transcribedBy(c)) {
        s.markDone(chunk);
      }
    }
    s.chunks.prune();
    if (!c.preroll.isEmpty()) {
      c.preroll.clear();
      s.chunks.releaseDoneOverlap();
    }
    Chunk pending = s.chunks.firstPending();
    if (pending != null) {
      // audio that arrived during an idle close: a new connection takes it (and closes at the end, if it came)
      s.dropConnection(); // closed already: the shell forgets it
      connectFirst(pending.start, "audio arrived during an idle close");
      return;
    }
    if (s.ended == null) {
      s.dropConnection();
      s.finish("idle session closed");
      return;
    }
    s.endHandled = true;
    log.info("Live stream {} closed normally", c.sttSession);
    s.publishStatus(new AckKey.LiveFinished(), Statuses.LIVE_FINISHED, c.sttSession, Map.of(),
        s.ended.getEndOffsetSamples());
  }

  private void socketDied(String reason, String detail) {
    Connection c = s.connection;
    s.emit(new Effect.SocketDied(c.sttSession, reason, detail));
    s.failures++;
    log.info("Live socket {} dead: {} ({})", c.sttSession, reason, detail);
    degraded.goDegraded(reason, DeepgramFailure.TRANSIENT);
  }

  /** After the worker held audio back, the open socket gets a stall timeout from now to answer new audio. */
  void restartStallWindow() {
    Connection c = s.connection;
    if (c != null && c.timers != null) {
      c.timers.received(s.now);
    }
  }

  /** Timers of the open socket: close deadline, proof of life, KeepAlive, Finalize, stall. */
  void checkSocket() {
    Connection c = s.connection;
    SocketTimers t = c.timers;
    long now = s.now;
    if (s.mode() == SessionMode.CLOSING) {
      if (t.closeOverdue(now)) {
        socketDied("close_timeout", "no close within " + s.settings.closeTimeout());
      }
      return;
    }
    if (t.provenAlive(now)) {
      prove(c); // alive and not stalled for a stall timeout: the attempt succeeded
    }
    if (t.keepAliveDue(now)) {
      s.emit(new Effect.KeepAlive(c.sttSession));
      t.sent(now);
    }
    Chunk oldest = s.chunks.oldestUnfinalized(c);
    if (oldest == null) {
      return;
    }
    if (t.finalizeDue(now, oldest.sentAt, c.sentEnd - c.cursor, s.sampleRate)) {
      s.emit(new Effect.Finalize(c.sttSession));
      t.finalized(now);
    }
    if (!s.consumptionPaused && t.stalled(now, oldest.sentAt)) {
      socketDied("stalled", "nothing received for " + s.settings.stallTimeout() + " with audio unfinalised");
    }
  }
}
