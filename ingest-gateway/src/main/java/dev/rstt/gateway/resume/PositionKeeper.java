package dev.rstt.gateway.resume;

import dev.rstt.avro.SessionPosition;
import dev.rstt.common.logging.SessionMdc;
import dev.rstt.gateway.session.GatewaySession;
import dev.rstt.gateway.session.HeldSession;
import dev.rstt.gateway.session.SessionRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.reactive.socket.CloseStatus;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * The holder's side of session.positions (docs/CONTRACT.md section 10). Every {@code position-interval} it writes the
 * position of each session held here that moved (and at least every {@code lease}), ends detached sessions whose
 * window passed ({@code client_closed}), and tombstones a session as soon as it ends for any reason other than stop
 * (its SessionEnded may still wait for Kafka, but it is no longer resumable), and a stopped one once its SessionEnded
 * is stored (until then it is {@code stopping}: if this gateway dies, the app resumes it elsewhere and resends what
 * was not stored); it also ends orphans, sessions whose holder died. When it reads another gateway's claim on a
 * session held here, the session lets go: socket closed {@code session_taken_over}, records drained, and a
 * {@code released} record names the claimer and the exact numbers; a stopping session is kept, and the answer
 * ({@code stopping}, at the claim's epoch) tells the claimer so.
 */
public final class PositionKeeper implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PositionKeeper.class);

  private record Written(boolean attached, boolean stopping, long frames, long atMs) {
  }

  private final SessionRegistry registry;
  private final PositionsWriter writer;
  private final PositionsView view;
  private final String me;
  private final Clock clock;
  private final Scheduler timers;
  private final long intervalMs;
  private final long leaseMs;
  private final long windowMs;
  private final long graceMs;
  private final Map<String, Written> written = new ConcurrentHashMap<>();
  private final Set<String> ending = ConcurrentHashMap.newKeySet();
  private volatile Consumer<SessionPosition> orphans = p -> { };
  private Disposable ticker;
  private Runnable unlisten = () -> { };

  /**
   * @param graceMs a detached session ends this long after its window: a claim that arrived just inside the window
   *     reaches this holder first
   */
  public PositionKeeper(SessionRegistry registry, PositionsWriter writer, PositionsView view, String me, Clock clock,
      Scheduler timers, long intervalMs, long leaseMs, long windowMs, long graceMs) {
    this.registry = registry;
    this.writer = writer;
    this.view = view;
    this.me = me;
    this.clock = clock;
    this.timers = timers;
    this.intervalMs = intervalMs;
    this.leaseMs = leaseMs;
    this.windowMs = windowMs;
    this.graceMs = graceMs;
  }

  public void start() {
    unlisten = view.listen(this::onRecord);
    ticker = timers.schedulePeriodically(this::tick, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
  }

  /**
   * A session starts (or is taken over) here: its first position, and a tombstone once it ended. Completes when the
   * position is stored (a new session answers {@code session_started} only then).
   */
  public CompletableFuture<Void> held(GatewaySession session, String state, String previousOwner) {
    HeldSession snap = session.snapshot();
    if (snap == null) {
      return CompletableFuture.completedFuture(null);
    }
    session.finishing().whenComplete((v, e) -> {
      written.remove(session.id());
      writer.tombstone(session.id()); // stopped or ending: not resumable anywhere (a handed-over one never finishes)
    });
    return write(session, snap, state, previousOwner);
  }

  private CompletableFuture<Void> write(GatewaySession session, HeldSession snap, String state,
      String previousOwner) {
    long now = clock.millis();
    written.put(session.id(), new Written(snap.attached(), snap.stopping(), snap.durable().frames(), now));
    SessionPosition p = PositionRecords.of(session.id(), snap.userId(), snap.format(), me, snap.epoch(), state,
        previousOwner, snap.durable(), snap.detachedAtMs(), now);
    return writer.write(p).thenApply(placement -> (Void) null).whenComplete((v, e) -> {
      if (e != null) {
        log.debug("Position of {} not written: {}", session.id(), e.toString());
      }
    });
  }

  /**
   * Who ends a session whose holder died and that nobody resumed (it gets {@code client_closed} like any other); runs
   * at most once at a time per session here.
   */
  public void onOrphan(Consumer<SessionPosition> ender) {
    this.orphans = ender;
  }

  /**
   * Periodic: positions that moved or whose lease is due; detached sessions past their window end, and orphans, both
   * judged with the view's trust (a window does not run out over time session.positions could not be used).
   */
  void tick() {
    long now = clock.millis();
    PositionsFreshness.State state = view.state();
    for (PositionsView.Event e : view.all()) {
      GatewaySession local = registry.get(e.sessionId());
      boolean heldHere = local != null && local.snapshot() != null;
      if (ResumeAdmission.orphaned(e.position(), heldHere, now, windowMs, leaseMs, 2 * graceMs, state)
          && ending.add(e.sessionId())) {
        reactor.core.scheduler.Schedulers.boundedElastic().schedule(() -> { // it waits for claims and scans
          try {
            orphans.accept(e.position());
          } finally {
            ending.remove(e.sessionId());
          }
        });
      }
    }
    for (GatewaySession session : registry.all()) {
      HeldSession snap = session.snapshot();
      Written last = written.get(session.id());
      if (snap == null || last == null) {
        continue;
      }
      if (!snap.attached() && snap.detachedAtMs() != null
          && ResumeAdmission.windowOver(snap.detachedAtMs(), now, windowMs, graceMs, state)) {
        try (SessionMdc mdc = SessionMdc.of(session.id())) {
          log.info("Not resumed within {} ms: ending the session", windowMs);
        }
        session.terminate("client_closed", CloseStatus.NORMAL);
        continue;
      }
      boolean moved = snap.attached() != last.attached() || snap.stopping() != last.stopping()
          || snap.durable().frames() != last.frames();
      if (moved || now - last.atMs() >= leaseMs) {
        write(session, snap, stateOf(snap), null);
      }
    }
  }

  /** Writes a held session's position now (attached or detached), e.g. right after a socket attached. */
  public void touch(GatewaySession session) {
    HeldSession snap = session.snapshot();
    if (snap != null && written.containsKey(session.id())) {
      write(session, snap, stateOf(snap), null);
    }
  }

  private static String stateOf(HeldSession snap) {
    if (snap.stopping()) {
      return PositionStates.STOPPING;
    }
    return snap.attached() ? PositionStates.ATTACHED : PositionStates.DETACHED;
  }

  private void onRecord(PositionsView.Event e) {
    GatewaySession session = registry.get(e.sessionId());
    if (session == null || e.position() == null || !written.containsKey(e.sessionId())
        || !PositionStates.mustLetGo(me, session.epoch(), e.position())) {
      return;
    }
    SessionPosition claim = e.position();
    HeldSession snap = session.snapshot();
    if (snap != null && snap.stopping()) { // stopped here, SessionEnded unstored: this gateway keeps it
      try (SessionMdc mdc = SessionMdc.of(e.sessionId())) {
        log.info("Claimed by {} (epoch {}) while stopping: keeping it until SessionEnded is stored",
            claim.getOwner(), claim.getEpoch());
      }
      writer.write(PositionRecords.of(e.sessionId(), snap.userId(), snap.format(), me, claim.getEpoch(),
          PositionStates.STOPPING, null, snap.durable(), null, clock.millis()));
      return;
    }
    CompletableFuture<ResumePoint> drained = session.handOver();
    if (drained == null) {
      return;
    }
    written.remove(e.sessionId());
    try (SessionMdc mdc = SessionMdc.of(e.sessionId())) {
      log.info("Claimed by {} (epoch {}): letting go", claim.getOwner(), claim.getEpoch());
    }
    drained.whenComplete((point, error) -> {
      if (error != null) {
        try (SessionMdc mdc = SessionMdc.of(e.sessionId())) {
          log.warn("Not released to {}: a record of the session failed ({}); it takes the session over without",
              claim.getOwner(), error.toString());
        }
        return;
      }
      writer.write(PositionRecords.of(e.sessionId(), session.userId(), session.format(), claim.getOwner(),
          claim.getEpoch(), PositionStates.RELEASED, me, point, null, clock.millis()));
    });
  }

  @Override
  public void close() {
    unlisten.run();
    if (ticker != null) {
      ticker.dispose();
    }
  }
}
