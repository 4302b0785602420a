package dev.rstt.stt.session;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.SessionStarted;
import dev.rstt.common.deepgram.DeepgramFailure;
import dev.rstt.schemas.Statuses;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of one session on the live path (docs/CONTRACT.md sections 3-4), with no I/O: {@link #on} takes
 * what happened and the time, changes the session's state and returns what the shell must do, in order. No
 * clock, no randomness (ids and jitter are injected), no threads; the shell feeds a session from one thread.
 *
 * <p>The rules live in {@link LiveRules} (connections, finals, closing) and {@link DegradedRules} (reroute,
 * stt_degraded, recovery); this class routes each input to them, and every acknowledgement is one case of
 * {@link #onAcked}.
 */
public final class SessionCore {

  private static final Logger log = LoggerFactory.getLogger(SessionCore.class);

  private final SessionState s;
  private final LiveRules live;
  private final DegradedRules degraded;
  private boolean fresh = true;

  /** A session this worker has no state for yet, first seen at {@code now}. */
  public SessionCore(SessionSettings settings, IdSource ids, Jitter jitter, long now) {
    this.s = new SessionState(settings, ids, jitter, now);
    this.live = new LiveRules(s);
    this.degraded = new DegradedRules(s, live);
    live.wire(degraded);
  }

  /** Applies one input at time {@code now} (monotonic nanoseconds) and returns the effects, in order. */
  public List<Effect> on(Input input, long now) {
    if (s.mode() == SessionMode.ENDED) {
      return List.of();
    }
    s.begin(now);
    boolean first = fresh;
    fresh = false;
    if (input instanceof Input.Started started) {
      onStarted(started.record(), started.ref(), first);
    } else if (input instanceof Input.Chunk chunk) {
      onChunk(chunk.record(), chunk.ref());
    } else if (input instanceof Input.Ended end) {
      onEnded(end.record(), end.ref());
    } else if (input instanceof Input.Acked acked) {
      onAcked(acked.key());
    } else if (input instanceof Input.Tick) {
      onTick();
    } else if (input instanceof Input.Permitted || input instanceof Input.Denied) {
      onPermission(input instanceof Input.Permitted);
    } else if (input instanceof Input.BreakerOpened) {
      if (s.mode() == SessionMode.CONNECTING) {
        degraded.goDegraded("breaker_open", DeepgramFailure.TRANSIENT);
      }
    } else if (input instanceof Input.BreakerAllowsCalls) {
      degraded.onBreakerAllowsCalls();
    } else if (input instanceof Input.ConsumptionPaused) {
      s.consumptionPaused = true;
    } else if (input instanceof Input.ConsumptionResumed) {
      s.consumptionPaused = false;
      live.restartStallWindow();
    } else {
      live.onSocketInput(socketOf(input), input);
    }
    if (s.wanted != SessionState.Attempt.NONE && !s.asked && s.mode() != SessionMode.ENDED) {
      s.asked = true;
      s.emit(new Effect.AcquirePermission());
    }
    return s.effects();
  }

  private void onStarted(SessionStarted started, RecordRef ref, boolean first) {
    if (first) {
      s.coldTakeover = false;
      s.userId = started.getUserId();
      s.language = started.getLanguage();
      s.keyterms = started.getKeyterms() == null ? java.util.List.of() : started.getKeyterms();
      s.sampleRate = started.getSampleRate();
      s.channels = started.getChannels();
    }
    s.emit(new Effect.RecordDone(ref));
  }

  private void onChunk(AudioChunk record, RecordRef ref) {
    if (record.getSeq() <= s.lastSeq || s.ended != null) {
      s.emit(new Effect.RecordDone(ref)); // a duplicate, or audio after the end: nothing to transcribe
      return;
    }
    if (s.lastSeq >= 0 && record.getOffsetSamples() < s.lastChunkEnd) {
      // audio the timeline already has, sent again by a gateway that took over a resumed session
      AudioChunk rest = Repeats.after(record, s.lastChunkEnd);
      long dropped = Math.min(s.lastChunkEnd, Repeats.end(record)) - record.getOffsetSamples();
      s.emit(new Effect.RepeatDropped(dropped));
      if (rest == null) {
        s.lastSeq = record.getSeq();
        s.emit(new Effect.RecordDone(ref));
        return;
      }
      record = rest;
    }
    s.userId = record.getUserId();
    s.sampleRate = record.getSampleRate();
    s.channels = record.getChannels();
    s.language = record.getLanguage();
    s.keyterms = record.getKeyterms() == null ? java.util.List.of() : record.getKeyterms();
    s.lastSeq = record.getSeq();
    Chunk chunk = new Chunk(record, ref);
    s.lastChunkEnd = chunk.end;
    s.lastAudioAt = s.now;
    s.chunks.add(chunk);
    switch (s.mode()) {
      case IDLE -> live.connectFirst(chunk.start, "first audio");
      case LIVE -> live.send(chunk);
      case RESUMING -> degraded.tryCompleteResume();
      case DEGRADED, RECOVERING -> degraded.reroute(chunk);
      default -> { } // CONNECTING, CLOSING: held until the socket opens or closes
    }
  }

  private void onEnded(SessionEnded record, RecordRef ref) {
    if (s.ended != null) {
      s.emit(new Effect.RecordDone(ref));
      return;
    }
    s.ended = record;
    s.endRef = ref;
    switch (s.mode()) {
      case IDLE -> {
        Map<String, String> metadata = Map.of();
        if (s.coldTakeover) {
          // Taken over at its very end: the previous owner may have left a live stream or a degraded episode
          // unfinished; live_finished says so, and the forwarded SessionEnded (after it) closes the episode.
          s.userId = record.getUserId();
          s.sampleRate = record.getSampleRate();
          metadata = Map.of("cold_takeover", "true");
        }
        s.publishStatus(new AckKey.LiveFinished(), Statuses.LIVE_FINISHED, null, metadata,
            record.getEndOffsetSamples());
      }
      case LIVE -> live.beginClose();
      case RESUMING -> degraded.tryCompleteResume();
      case DEGRADED -> degraded.finishDegraded();
      case RECOVERING -> {
        s.dropConnection(); // the attempt is abandoned
        s.transitionTo(SessionMode.DEGRADED, "session ended while recovering");
        degraded.finishDegraded();
      }
      default -> { } // CONNECTING, CLOSING (an idle close): handled when the socket opens, fails or closes
    }
  }

  /** What each acknowledged publish lets happen next. */
  private void onAcked(AckKey key) {
    if (key instanceof AckKey.Segments segments) {
      live.onSegmentsAcked(segments.sttSession(), segments.seq());
    } else if (key instanceof AckKey.Reroute reroute) {
      degraded.onRerouteAcked(reroute.seq());
    } else if (key instanceof AckKey.Degraded episode) {
      degraded.onDegradedAcked(episode.episode());
    } else if (key instanceof AckKey.LiveResumed resumed) {
      if (!resumed.coldTakeover()) {
        degraded.onResumedAcked(resumed.sttSession());
      }
    } else if (key instanceof AckKey.LiveFinished) {
      if (!s.endForwarded) {
        degraded.forwardEndAfterLiveFinished();
      }
    } else if (key instanceof AckKey.EndForwarded) {
      s.finish("end acknowledged");
    }
    // AckKey.Ready: nothing waits for it
  }

  private void onPermission(boolean permitted) {
    SessionState.Attempt attempt = s.wanted;
    s.wanted = SessionState.Attempt.NONE;
    s.asked = false;
    if (attempt == SessionState.Attempt.INITIAL) {
      live.onInitialPermission(permitted);
    } else if (attempt == SessionState.Attempt.RECOVERY) {
      degraded.onRecoveryPermission(permitted);
    }
  }

  private void onTick() {
    Connection c = s.connection;
    SessionMode mode = s.mode();
    if (c != null && c.open && (mode == SessionMode.LIVE || mode == SessionMode.RESUMING
        || mode == SessionMode.CLOSING)) {
      live.checkSocket();
    }
    if (s.ended == null && s.now - s.lastAudioAt >= s.settings.sessionIdleTimeout().toNanos()) {
      expireIdle();
    }
    degraded.onTick();
  }

  /** A session whose gateway went quiet without SessionEnded: release its socket and memory. */
  private void expireIdle() {
    switch (s.mode()) {
      case LIVE -> live.beginClose();
      case IDLE -> s.finish("idle before any audio");
      case DEGRADED -> {
        if (s.chunks.settled()) {
          s.finish("idle while degraded");
        }
      }
      case RESUMING -> degraded.resumeAtTheEnd(); // no switch chunk will come: the switch is the end of the audio
      default -> { } // connecting or closing: wait for that to settle
    }
  }

  private static String socketOf(Input input) {
    if (input instanceof Input.SocketOpened i) {
      return i.sttSession();
    } else if (input instanceof Input.ConnectFailed i) {
      return i.sttSession();
    } else if (input instanceof Input.FinalReceived i) {
      return i.sttSession();
    } else if (input instanceof Input.MessageReceived i) {
      return i.sttSession();
    } else if (input instanceof Input.SocketClosed i) {
      return i.sttSession();
    } else if (input instanceof Input.SocketFailed i) {
      return i.sttSession();
    }
    throw new IllegalArgumentException("Unknown input " + input);
  }

  // ---- views for the shell

  public SessionMode mode() {
    return s.mode();
  }

  public boolean finished() {
    return s.mode() == SessionMode.ENDED;
  }

  /** Bytes of audio this session holds in memory. */
  public long retainedBytes() {
    return s.chunks.retainedBytes();
  }

  /** The current live connection's stt_session, or null. */
  public String sttSession() {
    return s.connection == null ? null : s.connection.sttSession;
  }

  public String userId() {
    return s.userId;
  }

  public int sampleRate() {
    return s.sampleRate;
  }

  /** The open degraded episode's step, or null (for tests). */
  DegradedEpisode.Step episodeStep() {
    return s.episode == null ? null : s.episode.step();
  }
}
