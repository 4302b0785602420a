package dev.rstt.stt.session;

import dev.rstt.avro.AudioChunk;
import dev.rstt.common.deepgram.DeepgramFailure;
import dev.rstt.stt.deepgram.FinalResult;
import dev.rstt.common.kafka.Outbox;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A simulated shell around session cores for the randomized test: a gateway sending one session's records, a
 * Deepgram that only transcribes audio it was sent, two producers acknowledging in order per topic, a breaker,
 * and a clock. It performs effects as the real shell does and checks, with its own bookkeeping, the invariants
 * of docs/CONTRACT.md sections 3-4 after every input. A violation throws {@link AssertionError}.
 */
final class World {

  /** A record given to a core: what it is and how it ended. */
  static final class RecordInfo {
    final int offset;
    final String kind;
    final long seq;
    final long start;
    final long end;
    final int core;
    boolean done;
    String doneBy;
    boolean reroutePublished;
    /** A reroute of it is published and not acknowledged yet. */
    boolean rerouteOutstanding;
    boolean rerouteAcked;
    /** This core's LiveResumed publications when it was last rerouted. */
    int resumesAtReroute;
    /** The sockets it was sent on (live, or as a recovery's overlap). */
    final List<String> sentOn = new ArrayList<>();

    RecordInfo(int offset, String kind, long seq, long start, long end, int core) {
      this.offset = offset;
      this.kind = kind;
      this.seq = seq;
      this.start = start;
      this.end = end;
      this.core = core;
    }
  }

  /** One live socket as Deepgram and the shell see it. */
  static final class Sock {
    final String stt;
    boolean opened;
    boolean aborted;
    boolean closed;
    boolean closeStreamSent;
    long start = -1;
    long sentEnd = -1;
    /**
     * Finals delivered, in order: session-sample cursor, SegmentsProduced seq (-1: none), acknowledged, and the end
     * of its last word (-1: no words), a pause; the window may reach past it into the next word's onset.
     */
    final List<long[]> finals = new ArrayList<>();
    boolean closedNormally;

    Sock(String stt) {
      this.stt = stt;
    }

    long finalCursor() {
      return finals.isEmpty() ? start : finals.get(finals.size() - 1)[0];
    }

    long ackedCursor() {
      long c = start;
      for (long[] f : finals) {
        if (f[2] == 0) {
          break;
        }
        c = Math.max(c, f[0]);
      }
      return c;
    }

    /**
     * Up to where the acknowledged finals leave no word behind: the end of a final's last word, or a
     * {@code recovery-overlap} before its window's end (no word is longer), never past the window.
     */
    long ackedWordSafe(long overlap) {
      long safe = start;
      for (long[] f : finals) {
        if (f[2] == 0) {
          break;
        }
        safe = Math.max(safe, Math.min(f[0], Math.max(f[3], f[0] - overlap)));
      }
      return safe;
    }

    boolean allAcked() {
      return finals.stream().allMatch(f -> f[2] == 1);
    }
  }

  final long seed;
  final Random rnd;
  final SessionSettings settings;
  final List<String> trace = new ArrayList<>();
  long nowMs;
  private int nextId = 1;
  SessionCore core;
  int cores;
  boolean coreFinished;

  // the gateway's session
  final int totalChunks;
  final boolean withStarted;
  int nextSeq;
  boolean startedSent;
  boolean endedSent;

  final Map<Driver.Ref, RecordInfo> records = new LinkedHashMap<>();
  private final Map<Long, Driver.Ref> chunkBySeq = new HashMap<>();
  private int refs;
  final Map<String, Sock> sockets = new LinkedHashMap<>();
  /** The shell's publishing: an outbox per topic (audio.degraded one at a time), sends on the wire in order. */
  private Outbox<Effect.Publish> eventsBox;
  private Outbox<Effect.Publish> degradedBox;
  final ArrayDeque<Outbox.Entry<Effect.Publish>> events = new ArrayDeque<>();
  final ArrayDeque<Outbox.Entry<Effect.Publish>> degraded = new ArrayDeque<>();
  /** The broker refuses writes (every send on the wire fails). */
  boolean kafkaDown;
  /** The shell paused consumption: no record reaches the session meanwhile. */
  boolean consumptionPaused;
  /** What the current core's publishes wrote to audio.degraded, in order. */
  private final List<Outbound> writtenDegraded = new ArrayList<>();
  /** Everything written to audio.degraded for the session, by every owner, in order (what the batch worker reads). */
  private final List<Outbound> degradedLog = new ArrayList<>();
  boolean breakerOpen;

  // episode bookkeeping of the current core
  private int lastDegradedEpisode;
  private boolean degradedAcked = true;
  private boolean liveFinishedPublished;
  /** LiveResumed (not cold) published by the current core, its last resume offset, its last episode's start. */
  private int resumesPublished;
  private long lastResumeAt = -1;
  private long lastEpisodeFrom = -1;
  /** Where the audio ended when a core finished idle. */
  private final List<Long> idleEnds = new ArrayList<>();
  /** Resume offset of the LiveResumed published for a recovery connection, by stt_session. */
  final Map<String, Long> resumeAtOf = new HashMap<>();
  private Input current;

  World(long seed, SessionSettings settings) {
    this.seed = seed;
    this.rnd = new Random(seed);
    this.settings = settings;
    this.totalChunks = 1 + rnd.nextInt(60);
    this.withStarted = rnd.nextInt(5) != 0;
    this.vanishes = rnd.nextInt(5) == 0;
    this.flappy = rnd.nextInt(3) == 0;
    newOutboxes();
  }

  /** Recovery connections tend to die around their switch point, their finals before or past it (or the worker). */
  final boolean flappy;

  /** The gateway dies without SessionEnded: the session must still end (idle) with every record done. */
  final boolean vanishes;

  private void newOutboxes() {
    eventsBox = new Outbox<>(Integer.MAX_VALUE, 200_000_000L, 5_000_000_000L);
    degradedBox = new Outbox<>(1, 200_000_000L, 5_000_000_000L);
    events.clear();
    degraded.clear();
    writtenDegraded.clear();
  }

  // ------------------------------------------------------------------------------------------------ gateway

  /** The session's records in the partition, in offset order (what a new owner re-reads). */
  private final List<Input> partition = new ArrayList<>();

  boolean gatewayDone() {
    return endedSent || (vanishes && nextSeq >= totalChunks && (startedSent || !withStarted));
  }

  /** The gateway's next record (SessionStarted, the next chunk, or SessionEnded). */
  void gatewayNext() {
    Input next;
    if (withStarted && !startedSent) {
      startedSent = true;
      next = new Input.Started(Driver.started(), null);
    } else if (nextSeq < totalChunks) {
      next = new Input.Chunk(Driver.chunk(nextSeq++), null);
    } else if (!endedSent && !vanishes) {
      endedSent = true;
      next = new Input.Ended(Driver.ended(totalChunks), null);
    } else {
      return;
    }
    partition.add(next);
    deliver(partition.size() - 1);
  }

  /**
   * The gateway wrote the last chunk twice (a retried send): a second record of the same seq, at its own offset,
   * that the core must mark done at once. (A consumer never reads one offset twice: the shell's commit rule
   * tracks offsets in increasing order.)
   */
  void duplicateLastChunk() {
    for (int offset = partition.size() - 1; offset >= 0; offset--) {
      if (partition.get(offset) instanceof Input.Chunk c && core != null && !coreFinished) {
        partition.add(new Input.Chunk(c.record(), null));
        deliver(partition.size() - 1);
        return;
      }
    }
  }

  /**
   * The partition moves to another worker (or this one restarts): the session's state is dropped without a word,
   * its sockets and callbacks forgotten, and the new owner re-reads from the committed offset (the lowest record
   * not done) to the end.
   */
  void rebalance() {
    if (core == null) {
      return;
    }
    trace("== rebalance: re-reading from offset " + committed());
    sockets.values().forEach(s -> s.aborted = true);
    newOutboxes();
    core = null;
    coreFinished = committed() == partition.size(); // nothing left to re-read: nothing is held anywhere
    for (int offset = committed(); offset < partition.size(); offset++) {
      deliver(offset);
    }
  }

  /** The committed offset: the lowest record no delivery of which is done. */
  int committed() {
    for (int offset = 0; offset < partition.size(); offset++) {
      int o = offset;
      if (records.values().stream().noneMatch(r -> r.offset == o && r.done)) {
        return offset;
      }
    }
    return partition.size();
  }

  private void deliver(int offset) {
    Input r = partition.get(offset);
    if (r instanceof Input.Started st) {
      record(new Input.Started(st.record(), ref(offset, "started", -1, 0, 0)));
    } else if (r instanceof Input.Chunk c) {
      long start = c.record().getOffsetSamples();
      record(new Input.Chunk(c.record(), ref(offset, "chunk", c.record().getSeq(), start,
          start + Driver.CHUNK_SAMPLES)));
    } else if (r instanceof Input.Ended e) {
      record(new Input.Ended(e.record(), ref(offset, "ended", -1, 0, 0)));
    }
  }

  private Driver.Ref ref(int offset, String kind, long seq, long start, long end) {
    Driver.Ref r = new Driver.Ref(kind + seq + "@" + offset + "#" + ++refs);
    records.put(r, new RecordInfo(offset, kind, seq, start, end, cores + (core == null || coreFinished ? 1 : 0)));
    return r;
  }

  private void record(Input input) {
    boolean fresh = core == null || coreFinished;
    if (fresh) {
      core = new SessionCore(settings, () -> "stt-" + nextId++, bound -> bound <= 0 ? 0 : rnd.nextLong(bound),
          nowMs * 1_000_000L);
      cores++;
      coreFinished = false;
      chunkBySeq.clear();
      newOutboxes();
      lastDegradedEpisode = 0;
      degradedAcked = true;
      liveFinishedPublished = false;
      resumesPublished = 0;
      lastResumeAt = -1;
      lastEpisodeFrom = -1;
    }
    if (input instanceof Input.Chunk c) {
      chunkBySeq.putIfAbsent(c.record().getSeq(), (Driver.Ref) c.ref());
    }
    if (fresh && consumptionPaused) {
      apply(new Input.ConsumptionPaused()); // as the shell tells a session it creates while paused
    }
    apply(input);
  }

  // ------------------------------------------------------------------------------------------------ inputs

  void apply(Input input) {
    if (core == null) {
      return; // dropped by a rebalance with nothing to re-read
    }
    boolean wasFinished = coreFinished;
    current = input;
    List<Effect> effects;
    try {
      effects = core.on(input, nowMs * 1_000_000L);
    } catch (RuntimeException e) {
      trace(">> " + describe(input));
      throw fail("core threw on " + describe(input) + ": " + e, e);
    }
    if (!(input instanceof Input.Tick) || effects.stream().anyMatch(e -> !(e instanceof Effect.KeepAlive))) {
      trace(">> " + describe(input) + (core.mode() == null ? "" : "  [" + core.mode() + "]"));
    }
    if (wasFinished) {
      check(effects.isEmpty(), () -> "effects after the session finished: " + effects);
      return;
    }
    Input answer = null;
    for (int i = 0; i < effects.size(); i++) {
      Effect e = effects.get(i);
      if (!(e instanceof Effect.KeepAlive)) {
        trace("   " + describe(e));
      }
      check(!coreFinished, () -> "effect after Finished: " + e);
      if (e instanceof Effect.AcquirePermission) {
        check(i == effects.size() - 1, () -> "AcquirePermission is not the last effect");
        answer = breakerOpen ? new Input.Denied() : new Input.Permitted();
      } else {
        perform(e);
      }
    }
    if (answer != null) {
      apply(answer);
    }
  }

  void tick(long ms) {
    nowMs += ms;
    events.addAll(eventsBox.tick(nowMs * 1_000_000L));
    degraded.addAll(degradedBox.tick(nowMs * 1_000_000L));
    apply(new Input.Tick());
  }

  /** The broker answers the oldest send on one topic's wire: written (and acknowledged) or, while down, failed. */
  void ackHead(boolean degradedTopic) {
    ArrayDeque<Outbox.Entry<Effect.Publish>> wire = degradedTopic ? degraded : events;
    Outbox<Effect.Publish> box = degradedTopic ? degradedBox : eventsBox;
    Outbox.Entry<Effect.Publish> sent = wire.pollFirst();
    if (sent == null) {
      return;
    }
    long now = nowMs * 1_000_000L;
    if (kafkaDown) {
      trace("   (kafka) " + describe(sent.item) + " failed");
      wire.addAll(box.failed(sent.id, now));
      return;
    }
    wire.addAll(box.acked(sent.id, now));
    Effect.Publish p = sent.item;
    if (degradedTopic) {
      written(p.value());
    }
    AckKey key = p.key();
    if (key instanceof AckKey.Reroute r) {
      RecordInfo info = records.get(chunkBySeq.get(r.seq()));
      if (info != null) {
        info.rerouteAcked = true;
        info.rerouteOutstanding = false;
      }
    } else if (key instanceof AckKey.Segments s) {
      Sock sock = sockets.get(s.sttSession());
      for (long[] f : sock.finals) {
        if (f[1] == s.seq()) {
          f[2] = 1;
        }
      }
    } else if (key instanceof AckKey.Degraded d) {
      if (d.episode() == lastDegradedEpisode) {
        degradedAcked = true;
      }
    }
    apply(new Input.Acked(key));
  }

  /**
   * audio.degraded as the batch path reads it: a session's audio in timeline order without overlap (a chunk that
   * ends before what was read is taken for a redelivery and skipped), and LiveResumed after the audio it follows.
   */
  private void written(Outbound value) {
    degradedLog.add(value);
    long end = -1;
    for (Outbound w : writtenDegraded) {
      if (w instanceof Outbound.Reroute r) {
        end = r.chunk().getOffsetSamples() + Driver.CHUNK_SAMPLES;
      } else if (w instanceof Outbound.Resumed) {
        end = -1; // the next audio is a new episode's, taken as it comes (it may begin with a recovery's overlap)
      }
    }
    if (value instanceof Outbound.Reroute r) {
      long start = r.chunk().getOffsetSamples();
      long last = end;
      check(start >= last, () -> "chunk " + r.chunk().getSeq() + " written to audio.degraded after audio up to "
          + last);
    } else if (value instanceof Outbound.Resumed lr && !lr.coldTakeover()) {
      long last = end;
      check(lr.resumeOffsetSamples() >= last, () -> "LiveResumed at " + lr.resumeOffsetSamples()
          + " written after audio up to " + last);
    }
    writtenDegraded.add(value);
  }

  // ---- Deepgram

  List<Sock> liveSockets() {
    return sockets.values().stream().filter(s -> !s.aborted && !s.closed).toList();
  }

  void handshakeOk(Sock s) {
    s.opened = true;
    apply(new Input.SocketOpened(s.stt));
  }

  void handshakeRefused(Sock s, int status) {
    s.closed = true;
    apply(new Input.ConnectFailed(s.stt, DeepgramFailure.ofStatus(status), "handshake_" + status, "HTTP " + status));
  }

  /** A final covering the sent audio up to somewhere in [cursor, sentEnd], with or without words. */
  void finalFor(Sock s, boolean toTheEnd, boolean words) {
    if (s.start < 0 || s.sentEnd <= s.finalCursor()) {
      return;
    }
    long from = s.finalCursor();
    long to = toTheEnd ? s.sentEnd : from + 1 + (long) (rnd.nextDouble() * (s.sentEnd - from - 1));
    double seconds = (double) (to - s.start) / Driver.RATE;
    long cursor = s.start + Math.round(seconds * Driver.RATE);
    // its last word ends at the window's end, or before it: the window then reaches into a pause, or into the
    // onset of a word that only a later final (which may never come) transcribes
    long wordEnd = !words ? -1 : rnd.nextBoolean() ? to : from + 1 + (long) (rnd.nextDouble() * (to - from - 1));
    double endSeconds = (double) (wordEnd - s.start) / Driver.RATE;
    List<FinalResult.Word> ws = words ? List.of(new FinalResult.Word("w", "w",
        Math.max((double) (from - s.start) / Driver.RATE, endSeconds - 0.26), endSeconds, 0.9f, 0)) : List.of();
    s.finals.add(new long[] {Math.max(cursor, from), -1, words ? 0 : 1, Math.min(wordEnd, Math.max(cursor, from))});
    apply(new Input.FinalReceived(s.stt, new FinalResult(0, seconds, false, ws)));
  }

  void close(Sock s, int code) {
    s.closed = true;
    if (code == 1000 && s.closeStreamSent) {
      s.closedNormally = true;
    }
    apply(new Input.SocketClosed(s.stt, code, "sim"));
  }

  /**
   * A recovery connection whose LiveResumed was published dies: first, maybe, a final somewhere in what it was
   * sent (before or past the switch point) and maybe its acknowledgement; then the socket closes 1011, or the
   * worker dies (the partition re-read by a new owner from the committed offset).
   */
  void recoveryDies(Sock s) {
    if (s.sentEnd > s.finalCursor() && rnd.nextBoolean()) {
      finalFor(s, rnd.nextInt(3) == 0, rnd.nextInt(4) != 0);
    }
    for (int i = rnd.nextInt(3); i > 0; i--) {
      ackHead(false);
    }
    if (rnd.nextInt(4) == 0) {
      rebalance();
    } else {
      close(s, 1011);
    }
  }

  void socketError(Sock s) {
    s.closed = true;
    apply(new Input.SocketFailed(s.stt, "sim error"));
  }

  // ------------------------------------------------------------------------------------------------ effects

  private void perform(Effect e) {
    if (e instanceof Effect.OpenSocket o) {
      check(!sockets.containsKey(o.sttSession()), () -> "stt_session reused: " + o.sttSession());
      sockets.put(o.sttSession(), new Sock(o.sttSession()));
    } else if (e instanceof Effect.SendAudio send) {
      Sock s = sockets.get(send.sttSession());
      check(s != null && s.opened && !s.aborted, () -> "audio sent to a socket not open: " + send.sttSession());
      long start = send.chunk().getOffsetSamples();
      long end = start + Driver.CHUNK_SAMPLES;
      check(s.sentEnd < 0 || start == s.sentEnd, () -> "audio on " + s.stt + " not contiguous: " + start + " after "
          + s.sentEnd);
      if (s.start < 0) {
        s.start = start;
      }
      s.sentEnd = end;
      RecordInfo info = records.get(chunkBySeq.get(send.chunk().getSeq()));
      if (info != null) {
        info.sentOn.add(s.stt);
      }
    } else if (e instanceof Effect.CloseStream c) {
      sockets.get(c.sttSession()).closeStreamSent = true;
    } else if (e instanceof Effect.AbortSocket a) {
      Sock s = sockets.get(a.sttSession());
      check(s != null, () -> "abort of an unknown socket " + a.sttSession());
      s.aborted = true;
    } else if (e instanceof Effect.Publish p) {
      published(p);
    } else if (e instanceof Effect.RecordDone d) {
      recordDone((Driver.Ref) d.ref());
    } else if (e instanceof Effect.Finished) {
      if (!endedSent) {
        // Finished without SessionEnded: idle for session-idle-timeout. Audio that comes after minutes of nothing
        // is a new take-over without overlap (the batch worker flushes idle audio too): no word spans that silence.
        idleEnds.add((long) nextSeq * Driver.CHUNK_SAMPLES);
      }
      coreFinished = true;
      // the shell forgets the session: its sockets are dropped, late callbacks ignored
      sockets.values().forEach(s -> s.aborted = true);
      newOutboxes();
      for (Map.Entry<Driver.Ref, RecordInfo> r : records.entrySet()) {
        check(r.getValue().core != cores || r.getValue().done, () -> "finished with " + r.getKey() + " not done");
      }
    }
  }

  private void published(Effect.Publish p) {
    if (p.value().degradedTopic()) {
      degraded.addAll(degradedBox.add(p, nowMs * 1_000_000L));
    } else {
      events.addAll(eventsBox.add(p, nowMs * 1_000_000L));
    }
    check(!liveFinishedPublished || p.key() instanceof AckKey.EndForwarded, () -> "publish after live_finished: " + p);
    AckKey key = p.key();
    if (key instanceof AckKey.Reroute r) {
      RecordInfo info = records.get(chunkBySeq.get(r.seq()));
      check(info != null && !info.done, () -> "reroute of chunk " + r.seq() + " that is done");
      // published again only as the overlap of a recovery connection that died after its LiveResumed
      check(!info.reroutePublished || (info.rerouteAcked && !info.rerouteOutstanding
          && resumesPublished > info.resumesAtReroute), () -> "chunk " + r.seq() + " rerouted twice");
      info.reroutePublished = true;
      info.rerouteOutstanding = true;
      info.resumesAtReroute = resumesPublished;
    } else if (key instanceof AckKey.Segments s) {
      Sock sock = sockets.get(s.sttSession());
      long[] last = sock.finals.get(sock.finals.size() - 1);
      check(current instanceof Input.FinalReceived && last[1] == -1 && last[2] == 0,
          () -> "SegmentsProduced not for the final just delivered");
      last[1] = s.seq();
      Outbound.Segments sp = (Outbound.Segments) p.value();
      long previous = sock.finals.size() > 1 ? sock.finals.get(sock.finals.size() - 2)[0] : sock.start;
      check(sp.fromSamples() == previous && sp.toSamples() == last[0], () -> "coverage hole on " + s.sttSession()
          + ": [" + sp.fromSamples() + ", " + sp.toSamples() + ") after " + previous);
    } else if (key instanceof AckKey.Degraded d) {
      check(d.episode() > lastDegradedEpisode, () -> "stt_degraded of episode " + d.episode() + " after "
          + lastDegradedEpisode);
      check(current instanceof Input.Acked a && a.key() instanceof AckKey.Reroute,
          () -> "stt_degraded not on a reroute's acknowledgement");
      long from = ((Outbound.Status) p.value()).atOffsetSamples();
      check(from >= lastResumeAt, () -> "stt_degraded at " + from + " before the last resume offset " + lastResumeAt
          + " (the merger orders one worker's episodes by F1 < S1 <= F2 < S2 ...)");
      lastDegradedEpisode = d.episode();
      lastEpisodeFrom = from;
      degradedAcked = false;
    } else if (key instanceof AckKey.LiveResumed lr && !lr.coldTakeover()) {
      check(degradedAcked && lastDegradedEpisode > 0, () -> "LiveResumed before stt_degraded was acknowledged");
      check(allReroutesAcked(), () -> "LiveResumed before every rerouted chunk was acknowledged");
      long at = ((Outbound.Resumed) p.value()).resumeOffsetSamples();
      check(at > lastEpisodeFrom, () -> "LiveResumed at " + at + " not after its episode's start " + lastEpisodeFrom);
      resumesPublished++;
      lastResumeAt = at;
      resumeAtOf.put(lr.sttSession(), at);
    } else if (key instanceof AckKey.EndForwarded) {
      check(degradedAcked, () -> "SessionEnded forwarded before stt_degraded was acknowledged");
      check(allReroutesAcked(), () -> "SessionEnded forwarded before every rerouted chunk was acknowledged");
    } else if (key instanceof AckKey.LiveFinished) {
      check(!liveFinishedPublished, () -> "live_finished twice");
      liveFinishedPublished = true;
    }
  }

  private boolean allReroutesAcked() {
    return records.values().stream().filter(r -> r.core == cores).noneMatch(r -> r.rerouteOutstanding);
  }

  private void recordDone(Driver.Ref ref) {
    RecordInfo info = records.get(ref);
    check(info != null, () -> "unknown record done " + ref);
    check(!info.done, () -> ref + " done twice (first by " + info.doneBy + ")");
    info.done = true;
    info.doneBy = describe(current);
    if (!info.kind.equals("chunk")) {
      return;
    }
    if (current instanceof Input.Chunk c && c.ref().equals(ref)) {
      return; // a duplicate or audio after the end: done on arrival
    }
    check(!info.rerouteOutstanding, () -> ref + " done while its reroute is not acknowledged");
    if (info.rerouteAcked) {
      return; // its audio is on audio.degraded
    }
    check(!info.sentOn.isEmpty(), () -> ref + " done, but neither rerouted nor sent live");
    boolean covered = info.sentOn.stream().map(sockets::get)
        .anyMatch(s -> info.end <= s.ackedWordSafe(settings.overlapSamples(Driver.RATE))
            || (s.closedNormally && s.allAcked()));
    check(covered, () -> ref + " [" + info.start + ", " + info.end + ") done on " + info.sentOn
        + " but no acked final leaves no word behind before its end");
  }

  // ------------------------------------------------------------------------------------------------ reporting

  /** The last owner's session finished and the whole partition is committed: no record is left behind. */
  void checkAllDone() {
    check(coreFinished, () -> "session never finished: mode " + (core == null ? "-" : core.mode()));
    check(committed() == partition.size(), () -> "committed offset stuck at " + committed() + " of " + partition.size());
    // The batch worker's batch_finished (after this SessionEnded) closes whatever degraded episode an owner left
    // open that no recovery closes; without it such an episode stays open and the transcript never completes.
    check(!endedSent || (!degradedLog.isEmpty() && degradedLog.get(degradedLog.size() - 1)
        instanceof Outbound.EndForward), () -> "the session ended, but audio.degraded does not end with its "
        + "SessionEnded: " + degradedLog.stream().map(o -> o.getClass().getSimpleName()).toList());
  }

  /**
   * No audio is left uncovered at a switch: every sample of the session is transcribed by a live connection's
   * acknowledged finals or by a batch chunk of what reached audio.degraded, and every word (250 ms, or 50 ms, with
   * no pause inside) by one of them whole ({@link TimelineCoverage}).
   */
  void checkCoverage() {
    TimelineCoverage coverage = new TimelineCoverage((long) totalChunks * Driver.CHUNK_SAMPLES);
    idleEnds.forEach(coverage::quietAt);
    for (Sock s : sockets.values()) {
      s.finals.stream().filter(f -> f[3] >= 0).forEach(f -> coverage.quietAt(f[3])); // a final's last word end
      if (s.closedNormally) {
        // CloseStream after SessionEnded or session-idle-timeout without audio: the end of what it was sent is
        // taken as a pause (a word across an idle close and the reopening after it is not modelled)
        coverage.quietAt(s.finalCursor());
      }
      if (s.start >= 0) {
        coverage.live(s.start, s.ackedCursor());
      }
    }
    for (Outbound o : degradedLog) {
      if (o instanceof Outbound.Reroute r) {
        long from = r.chunk().getOffsetSamples();
        coverage.degradedAudio(from, from + Driver.CHUNK_SAMPLES);
      } else if (o instanceof Outbound.Resumed) {
        coverage.liveResumed();
      } else if (o instanceof Outbound.EndForward) {
        coverage.flush();
      }
    }
    String loss = coverage.firstLoss(100, 4_000, 800);
    check(loss == null, () -> loss);
  }

  void check(boolean ok, java.util.function.Supplier<String> what) {
    if (!ok) {
      throw fail(what.get(), null);
    }
  }

  private AssertionError fail(String what, Throwable cause) {
    int lines = Integer.getInteger("core.traceLines", 60);
    List<String> tail = trace.subList(Math.max(0, trace.size() - lines), trace.size());
    AssertionError e = new AssertionError("seed " + seed + " (rerun with -Dcore.seed=" + seed + "): " + what
        + "\nlast inputs and effects:\n  " + String.join("\n  ", tail));
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  private void trace(String line) {
    trace.add("t=" + nowMs + " " + line);
  }

  private static String describe(Object o) {
    if (o instanceof Effect.Publish p && p.value() instanceof Outbound.Reroute) {
      return "Publish(" + p.key() + ")";
    } else if (o instanceof Input.Chunk c) {
      return "Chunk(seq " + c.record().getSeq() + ", " + c.ref() + ")";
    } else if (o instanceof Effect.SendAudio s) {
      return "SendAudio(" + s.sttSession() + ", seq " + s.chunk().getSeq() + ")";
    } else if (o instanceof Effect.Publish p && p.value() instanceof Outbound.Reroute) {
      return "Publish(" + p.key() + ")";
    } else if (o instanceof Effect.Publish p && p.value() instanceof Outbound.Segments sp) {
      return "Publish(" + p.key() + " [" + sp.fromSamples() + ", " + sp.toSamples() + "))";
    } else if (o instanceof Input.FinalReceived f) {
      return "Final(" + f.sttSession() + ", " + f.result().cursor() + " s, " + f.result().words().size() + " words)";
    }
    return String.valueOf(o);
  }
}
