package dev.rstt.batch.session;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.LiveResumed;
import dev.rstt.avro.SessionEnded;
import dev.rstt.batch.deepgram.Transcript;
import dev.rstt.common.deepgram.DeepgramFailure;
import dev.rstt.schemas.Statuses;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * A simulated shell around a batch session core for the randomized test: the partition of {@code audio.degraded}
 * an {@link Upstream} writes, a consumer that re-reads from the committed offset after a rebalance or a crash (a
 * new core each time), a Deepgram that answers in any order (transcripts, transient and permanent failures), a
 * Kafka that acknowledges publishes in any order, the worker's pauses and forced cuts, and a clock. It performs
 * effects as the shell does and checks the invariants of docs/CONTRACT.md section 5 after every input; a
 * violation throws {@link AssertionError} naming the seed and the last inputs.
 */
final class World {

  static final long MS = 1_000_000L;
  static final int RATE = Upstream.RATE;
  static final BatchSettings SETTINGS = new BatchSettings(Duration.ofSeconds(1), Duration.ofSeconds(3),
      Duration.ofMillis(20), Duration.ofMillis(100), 500, Duration.ofSeconds(1), Duration.ofSeconds(2),
      Duration.ofSeconds(60), Duration.ofMillis(500), 2.0, 0.5, Duration.ofSeconds(30));

  /** A record as one incarnation of the session read it. */
  record Ref(int incarnation, int offset) implements RecordRef {
  }

  /** One episode as an incarnation read it: from its first audio after a marker (or before the open one's start). */
  static final class Ep {
    final int incarnation;
    final long firstFrom;
    /** Where the episode's audio went furthest (a replayed episode's included): its degraded_to_samples. */
    long maxTo = -1;
    /** The end of the latest audio read in this episode since it (re)started: what is behind it is deduplicated. */
    long readTo = -1;
    final BitSet union = new BitSet();
    final BitSet cut = new BitSet();
    final BitSet acked = new BitSet();

    Ep(int incarnation, long firstFrom) {
      this.incarnation = incarnation;
      this.firstFrom = firstFrom;
    }
  }

  static final class Chunk {
    final String stt;
    final long from;
    final long to;
    final Ep ep;
    final int markersBefore;
    final boolean silent;
    char state = 'C'; // C cut, T transcribing, P published, A acknowledged
    int rounds;
    long notBefore;
    Transcript answer;
    DeepgramFailure failure;
    boolean answering;

    Chunk(String stt, long from, long to, Ep ep, int markersBefore, boolean silent) {
      this.stt = stt;
      this.from = from;
      this.to = to;
      this.ep = ep;
      this.markersBefore = markersBefore;
      this.silent = silent;
    }
  }

  static final class Marker {
    final Upstream.Rec rec;
    final Ep ep;
    boolean published;
    boolean acked;

    Marker(Upstream.Rec rec, Ep ep) {
      this.rec = rec;
      this.ep = ep;
    }
  }

  /** What the schedules exercised, over all worlds (for the test's summary and its lower bounds). */
  static final Map<String, Long> SEEN = new java.util.TreeMap<>();

  final long seed;
  final Random rnd;
  final Upstream up;
  long nowMs;
  int inputs;
  private SessionCore core;
  private int incarnation;
  private boolean finished;
  private final Set<Integer> dropped = new HashSet<>();
  private int readPos;
  private int committed;
  private final BitSet done = new BitSet();
  private int checkedUpTo;
  private final Set<Integer> doneThisIncarnation = new HashSet<>();
  private final List<Ep> eps = new ArrayList<>();
  private Ep cur;
  private final List<Marker> markers = new ArrayList<>();
  private int currentMarker = -1;
  private int nextStatus;
  private final Map<String, Chunk> chunks = new HashMap<>();
  final List<Chunk> deepgram = new ArrayList<>();
  final List<Effect.Publish> kafka = new ArrayList<>();
  private final BitSet ackedCoverage = new BitSet();
  private final Set<Long> ackedRecovered = new HashSet<>();
  private final Set<Long> ackedFinished = new HashSet<>();
  boolean paused;
  private int nextId;
  private final ArrayDeque<Object[]> trace = new ArrayDeque<>();

  World(long seed) {
    this.seed = seed;
    this.rnd = new Random(seed);
    this.up = new Upstream(rnd);
  }

  // ---- the shell's part

  boolean hasUnread() {
    return readPos < up.log.size();
  }

  boolean coreLive() {
    return core != null && !finished;
  }

  /** Reads the next record of the partition into the session (a new core when it has none). */
  void read() {
    Upstream.Rec rec = up.log.get(readPos++);
    if (!coreLive()) {
      newIncarnation();
    }
    Ref ref = new Ref(incarnation, rec.offset());
    if (rec.kind() == Upstream.Kind.AUDIO) {
      if (cur == null || replayInto(cur, rec)) {
        Ep replayed = cur;
        cur = new Ep(incarnation, cur == null ? rec.from() : Math.min(cur.firstFrom, rec.from()));
        cur.maxTo = replayed == null ? -1 : replayed.maxTo; // a replay's episode ends where the audio went furthest
        eps.add(cur);
      }
      cur.union.set((int) rec.from(), (int) rec.to());
      cur.maxTo = Math.max(cur.maxTo, rec.to());
      cur.readTo = Math.max(cur.readTo, rec.to());
      apply(new Input.Audio((AudioChunk) rec.value(), ref));
      return;
    }
    Marker m = new Marker(rec, cur);
    cur = null;
    markers.add(m);
    currentMarker = markers.size() - 1;
    try {
      apply(rec.kind() == Upstream.Kind.RESUMED ? new Input.Resumed((LiveResumed) rec.value(), ref)
          : new Input.Ended((SessionEnded) rec.value(), ref));
    } finally {
      currentMarker = -1;
    }
  }

  /**
   * Audio going back into samples the episode never had (before its start, or into a gap): a take-over's replay,
   * which starts the episode's deduplication afresh (docs/CONTRACT.md section 5).
   */
  private static boolean replayInto(Ep ep, Upstream.Rec rec) {
    long end = Math.min(rec.to(), ep.readTo);
    return rec.from() < ep.readTo && ep.union.get((int) rec.from(), (int) end).cardinality() < end - rec.from();
  }

  /** Deepgram answers one due request: a transcript, or a transient or permanent failure. */
  void answer(boolean healthy) {
    List<Chunk> due = deepgram.stream().filter(c -> c.notBefore <= nowMs * MS).toList();
    if (due.isEmpty()) {
      return;
    }
    Chunk c = due.get(rnd.nextInt(due.size()));
    deepgram.remove(c);
    int r = healthy ? 0 : rnd.nextInt(100);
    c.answering = true;
    try {
      if (r < 80) {
        c.answer = new Transcript(List.of(new Transcript.Word("w", "w", 0.1, 0.3, 0.9f, 0)), c.stt);
        apply(new Input.Transcribed(c.stt, c.answer));
        check(c.state == 'P', "transcript of %s not published", c.stt);
      } else {
        c.failure = r < 97 ? DeepgramFailure.TRANSIENT : DeepgramFailure.PERMANENT;
        int rounds = c.rounds;
        apply(new Input.TranscriptionFailed(c.stt, c.failure, "sim"));
        check(c.failure == DeepgramFailure.PERMANENT ? c.state == 'P' : c.rounds == rounds + 1,
            "failure of %s not handled", c.stt);
      }
    } finally {
      c.answering = false;
    }
  }

  /** Kafka acknowledges one publish (any of them: the shell's outbox may complete them out of order). */
  void ack() {
    if (kafka.isEmpty()) {
      return;
    }
    Effect.Publish p = kafka.remove(rnd.nextInt(kafka.size()));
    if (p.key() instanceof AckKey.ChunkResult cr) {
      Chunk c = chunks.get(cr.sttSession());
      c.state = 'A';
      c.ep.acked.set((int) c.from, (int) c.to);
      ackedCoverage.set((int) c.from, (int) c.to);
    } else {
      Marker m = markers.get((int) statusNumber(p.key()));
      m.acked = true;
      (m.rec.kind() == Upstream.Kind.RESUMED ? ackedRecovered : ackedFinished).add(m.rec.from());
    }
    apply(new Input.Acked(p.key()));
  }

  void tick(long ms) {
    nowMs += ms;
    if (coreLive()) {
      apply(new Input.Tick());
    }
  }

  void setPaused(boolean p) {
    paused = p;
    if (coreLive()) {
      apply(p ? new Input.ConsumptionPaused() : new Input.ConsumptionResumed());
    }
  }

  /** At the memory cap with nothing outstanding, the shell cuts the (only) session. */
  void forceCut() {
    if (coreLive() && !core.hasOutstandingChunks()) {
      apply(new Input.ForceCut());
    }
  }

  void commit() {
    committed = committable();
  }

  /** The partition moves (graceful: revoked after a commit) or the worker dies: re-read from the committed offset. */
  void rebalance(boolean graceful) {
    boolean live = coreLive();
    SEEN.merge(graceful ? "rebalance" : "crash", 1L, Long::sum);
    if (graceful) {
      commit();
      if (live) {
        List<Effect> effects = apply(new Input.Revoked());
        check(effects.equals(List.of(new Effect.Finished())), "revocation did more than finish: %s", effects);
      }
    }
    if (live) {
      dropped.add(incarnation); // its episodes are the next owner's to finish
    }
    core = null;
    readPos = committed;
    deepgram.clear();
    kafka.clear(); // what it had in flight is forgotten (written or not, the records are re-read)
  }

  /** A finished core hears something more: it must say nothing. */
  void pokeFinished() {
    if (core != null && finished) {
      check(core.on(new Input.Tick(), nowMs * MS).isEmpty(), "a finished core answered a tick");
    }
  }

  private void newIncarnation() {
    incarnation++;
    core = new SessionCore(SETTINGS, () -> "b-" + ++nextId, bound -> rnd.nextLong(Math.max(1, bound)), nowMs * MS);
    finished = false;
    cur = null;
    markers.clear();
    nextStatus = 0;
    doneThisIncarnation.clear();
    if (paused) {
      apply(new Input.ConsumptionPaused());
    }
  }

  // ---- applying an input and checking its effects

  private List<Effect> apply(Input input) {
    inputs++;
    List<Effect> effects = core.on(input, nowMs * MS);
    trace.addLast(new Object[] {nowMs, incarnation, input, effects}); // formatted only when a check fails
    if (trace.size() > 30) {
      trace.removeFirst();
    }
    if (finished) {
      check(effects.isEmpty(), "effects after Finished: %s", effects);
      return effects;
    }
    for (Effect e : effects) {
      check(!finished, "effect after Finished: %s", e);
      handle(e);
    }
    check(core.heldBytes() >= 0 && (!finished || core.heldBytes() == 0), "held bytes %d", core.heldBytes());
    checkCommitted();
    return effects;
  }

  private void handle(Effect e) {
    SEEN.merge(e instanceof Effect.ChunkCut c ? "cut " + c.reason() : e instanceof Effect.Publish p
        ? p.value() instanceof Outbound.Status st ? st.status() : "segments" : e.getClass().getSimpleName(), 1L,
        Long::sum);
    if (e instanceof Effect.Transcribe t && t.failedRounds() > 0) {
      SEEN.merge("retry", 1L, Long::sum);
    }
    if (e instanceof Effect.ChunkCut c) {
      Ep ep = episodeHolding(c.fromSamples(), c.toSamples());
      check(ep != null, "chunk %s [%d, %d) holds audio not read in this incarnation", c.sttSession(), c.fromSamples(),
          c.toSamples());
      check(c.toSamples() > c.fromSamples(), "empty chunk %s", c.sttSession());
      check(ep.cut.get((int) c.fromSamples(), (int) c.toSamples()).isEmpty(), "chunk %s [%d, %d) overlaps another "
          + "chunk of its episode", c.sttSession(), c.fromSamples(), c.toSamples());
      ep.cut.set((int) c.fromSamples(), (int) c.toSamples());
      check(!chunks.containsKey(c.sttSession()), "stt_session %s reused", c.sttSession());
      chunks.put(c.sttSession(), new Chunk(c.sttSession(), c.fromSamples(), c.toSamples(), ep,
          currentMarker >= 0 ? currentMarker : markers.size(), c.silent()));
    } else if (e instanceof Effect.Transcribe t) {
      transcribe(t);
    } else if (e instanceof Effect.Publish p) {
      publish(p);
    } else if (e instanceof Effect.RecordDone d) {
      recordDone((Ref) d.ref());
    } else if (e instanceof Effect.Finished) {
      finished = true;
    }
  }

  private void transcribe(Effect.Transcribe t) {
    Chunk c = chunks.get(t.sttSession());
    check(c != null && c.ep.incarnation == incarnation, "Transcribe of unknown chunk %s", t.sttSession());
    if (c.state == 'C') {
      check(t.failedRounds() == 0 && t.notBefore() == nowMs * MS && !c.silent, "first Transcribe of %s", c.stt);
    } else {
      check(c.state == 'T' && c.answering && c.failure == DeepgramFailure.TRANSIENT
          && t.failedRounds() == c.rounds + 1 && t.notBefore() >= nowMs * MS, "Transcribe of %s again unasked", c.stt);
      c.rounds++;
    }
    check(t.fromSamples() == c.from && t.toSamples() == c.to && t.sampleRate() == RATE && t.channels() == 1,
        "Transcribe of %s does not match its cut", c.stt);
    check(t.pcm().equals(ByteBuffer.wrap(up.pcm(c.from, c.to))), "chunk %s audio is not the tape's [%d, %d)", c.stt,
        c.from, c.to);
    c.state = 'T';
    c.notBefore = t.notBefore();
    deepgram.add(c);
  }

  private void publish(Effect.Publish p) {
    if (p.key() instanceof AckKey.ChunkResult cr) {
      Chunk c = chunks.get(cr.sttSession());
      check(c != null && c.ep.incarnation == incarnation, "result of unknown chunk %s", cr.sttSession());
      if (p.value() instanceof Outbound.Segments sp) {
        boolean silentNow = c.state == 'C' && c.silent && sp.silent() && sp.transcript().words().isEmpty();
        boolean answered = c.state == 'T' && c.answering && c.answer != null && sp.transcript() == c.answer;
        check(silentNow || answered, "segments of %s not from its transcript", c.stt);
        check(sp.fromSamples() == c.from && sp.toSamples() == c.to && sp.sampleRate() == RATE,
            "segments of %s cover another range", c.stt);
      } else {
        Outbound.Status st = (Outbound.Status) p.value();
        check(Statuses.CHUNK_LOST.equals(st.status()) && c.answering && c.failure == DeepgramFailure.PERMANENT
            && Objects.equals(st.atOffsetSamples(), c.from) && c.stt.equals(st.sttSession()),
            "unexpected chunk result %s", st);
      }
      c.state = 'P';
    } else {
      long n = statusNumber(p.key());
      check(n == nextStatus, "status %d published, %d expected next", n, nextStatus);
      Marker m = markers.get((int) n);
      boolean recovered = p.key() instanceof AckKey.Recovered;
      check(recovered == (m.rec.kind() == Upstream.Kind.RESUMED), "status %d is for another marker", n);
      for (Chunk c : chunks.values()) {
        check(c.ep.incarnation != incarnation || c.markersBefore > n || c.state == 'A',
            "status %d published before chunk %s [%d, %d) cut before it was acknowledged", n, c.stt, c.from, c.to);
      }
      Outbound.Status st = (Outbound.Status) p.value();
      Long degradedTo = m.ep == null ? null : m.ep.maxTo;
      check(st.atOffsetSamples() == m.rec.from() && Objects.equals(st.degradedToSamples(), degradedTo)
          && Objects.equals(st.sampleRate(), RATE), "status %d: %s, expected at %d degraded to %s", n, st,
          m.rec.from(), degradedTo);
      if (recovered) {
        double duration = m.ep == null ? 0.0 : Math.max(0, m.rec.from() - m.ep.firstFrom) / (double) RATE;
        check(Math.abs(st.degradedDurationS() - duration) < 1e-9, "status %d duration %s, expected %s", n,
            st.degradedDurationS(), duration);
      }
      m.published = true;
      nextStatus++;
    }
    kafka.add(p);
  }

  /** A record is done only when each of its samples is in an acknowledged chunk, or in an earlier record not done. */
  private void recordDone(Ref ref) {
    check(ref.incarnation() == incarnation, "RecordDone of %s from another incarnation", ref);
    check(doneThisIncarnation.add(ref.offset()), "record %d done twice", ref.offset());
    Upstream.Rec rec = up.log.get(ref.offset());
    if (rec.kind() == Upstream.Kind.AUDIO) {
      BitSet missing = new BitSet();
      missing.set((int) rec.from(), (int) rec.to());
      missing.andNot(ackedCoverage);
      for (int o = done.nextClearBit(0); o < ref.offset() && !missing.isEmpty(); o = done.nextClearBit(o + 1)) {
        Upstream.Rec earlier = up.log.get(o);
        if (earlier.kind() == Upstream.Kind.AUDIO) {
          missing.clear((int) earlier.from(), (int) earlier.to());
        }
      }
      check(missing.isEmpty(), "record %d done with samples %s in no acknowledged chunk", ref.offset(),
          ranges(missing));
    } else {
      Marker m = markers.stream().filter(x -> x.rec == rec).reduce((a, b) -> b).orElse(null);
      check(m != null && m.acked, "marker record %d done before its status is acknowledged", ref.offset());
    }
    done.set(ref.offset());
  }

  /** Below the committable offset every record is transcribed and acknowledged (it is never read again). */
  private void checkCommitted() {
    int c = committable();
    for (; checkedUpTo < c; checkedUpTo++) {
      Upstream.Rec rec = up.log.get(checkedUpTo);
      switch (rec.kind()) {
        case AUDIO -> check(ackedCoverage.get((int) rec.from(), (int) rec.to()).cardinality() == rec.to() - rec.from(),
            "committed past record %d whose audio is not all in acknowledged chunks", checkedUpTo);
        case RESUMED -> check(ackedRecovered.contains(rec.from()), "committed past LiveResumed %d without its "
            + "stt_recovered", checkedUpTo);
        case ENDED -> check(ackedFinished.contains(rec.from()), "committed past SessionEnded %d without "
            + "batch_finished", checkedUpTo);
        default -> { }
      }
    }
  }

  int committable() {
    return done.nextClearBit(0);
  }

  /** At the end: everything read and done, every episode of every incarnation not dropped transcribed once. */
  void checkSettled() {
    check(up.done() && !hasUnread(), "records left unread");
    check(committable() == up.log.size(), "committable %d of %d records", committable(), up.log.size());
    check(core == null || finished, "the session did not finish (mode %s)", core == null ? null : core.mode());
    BitSet written = new BitSet();
    up.log.stream().filter(r -> r.kind() == Upstream.Kind.AUDIO).forEach(r -> written.set((int) r.from(),
        (int) r.to()));
    BitSet lost = (BitSet) written.clone();
    lost.andNot(ackedCoverage);
    check(lost.isEmpty(), "audio written to audio.degraded and never transcribed: %s", ranges(lost));
    for (Ep ep : eps) {
      if (!dropped.contains(ep.incarnation)) {
        check(ep.acked.equals(ep.union) && ep.cut.equals(ep.union), "episode from %d of incarnation %d: read %s, "
            + "cut %s, acknowledged %s", ep.firstFrom, ep.incarnation, ranges(ep.union), ranges(ep.cut),
            ranges(ep.acked));
      }
    }
    check(kafka.isEmpty() && deepgram.isEmpty(), "work left: %d publishes, %d transcriptions", kafka.size(),
        deepgram.size());
  }

  private Ep episodeHolding(long from, long to) {
    for (int i = eps.size() - 1; i >= 0 && eps.get(i).incarnation == incarnation; i--) {
      Ep ep = eps.get(i);
      if (ep.union.get((int) from, (int) to).cardinality() == to - from) {
        return ep;
      }
    }
    return null;
  }

  /** A set of samples as ranges: [a, b) [c, d) ... */
  static String ranges(BitSet bits) {
    StringBuilder b = new StringBuilder();
    for (int from = bits.nextSetBit(0); from >= 0; ) {
      int to = bits.nextClearBit(from);
      b.append('[').append(from).append(", ").append(to).append(") ");
      from = bits.nextSetBit(to);
    }
    return b.toString().trim();
  }

  private static long statusNumber(AckKey key) {
    return key instanceof AckKey.Recovered r ? r.n() : ((AckKey.BatchFinished) key).n();
  }

  void check(boolean ok, String message, Object... args) {
    if (!ok) {
      List<String> lines = trace.stream().map(t -> t[0] + " ms #" + t[1] + " " + describe(t[2]) + " -> "
          + ((List<?>) t[3]).stream().map(World::describe).toList()).toList();
      throw new AssertionError("seed " + seed + ": " + String.format(message, args) + "\nlast inputs:\n  "
          + String.join("\n  ", lines));
    }
  }

  private static String describe(Object o) {
    if (o instanceof Input.Audio a) {
      return "Audio(" + a.record().getSeq() + " [" + a.record().getOffsetSamples() + ", +"
          + a.record().getPcm().remaining() / 2 + ") " + a.ref() + ")";
    } else if (o instanceof Effect.Transcribe t) {
      return "Transcribe(" + t.sttSession() + " [" + t.fromSamples() + ", " + t.toSamples() + ") round "
          + t.failedRounds() + ")";
    } else if (o instanceof Input.Resumed r) {
      return "Resumed(" + r.record().getResumeOffsetSamples() + (r.record().getColdTakeover() ? " cold" : "") + ")";
    } else if (o instanceof Effect.Publish p && p.value() instanceof Outbound.Segments s) {
      return "Publish(" + s.sttSession() + " segments)";
    }
    return String.valueOf(o);
  }
}
