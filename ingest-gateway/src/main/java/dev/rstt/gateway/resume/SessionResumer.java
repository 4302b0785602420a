package dev.rstt.gateway.resume;

import dev.rstt.avro.SessionPosition;
import dev.rstt.common.logging.SessionMdc;
import dev.rstt.gateway.GatewayMetrics;
import dev.rstt.gateway.audio.AudioCodecs;
import dev.rstt.gateway.audio.AudioFormat;
import dev.rstt.gateway.audio.ChannelFraming;
import dev.rstt.gateway.session.Attached;
import dev.rstt.gateway.session.AudioSink;
import dev.rstt.gateway.session.GatewaySession;
import dev.rstt.gateway.session.HeldSession;
import dev.rstt.gateway.session.Outbound;
import dev.rstt.gateway.session.SessionRegistry;
import dev.rstt.gateway.session.SessionSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.reactive.socket.CloseStatus;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A socket that asks to resume a session (docs/CONTRACT.md section 10): {@link ResumeAdmission} decides; a session
 * held here takes the socket; a session held elsewhere (or by a gateway that died) is claimed on session.positions,
 * its previous holder given {@code handover-timeout} to drain and release it (exact numbers), else its records on
 * audio.frames after its last position are scanned ({@link TailScanner}) and its seq moved ahead.
 */
public final class SessionResumer {

  private static final Logger log = LoggerFactory.getLogger(SessionResumer.class);

  /** The resuming socket's verified user, its query's format, the session, and the index it sends from (or null). */
  public record Request(String sessionId, String userId, AudioFormat format, Long from) {
  }

  /** The session now holds the socket (attachment {@code attachment}); the app sends from {@code from}. */
  public record Resumed(GatewaySession session, int attachment, long from, double throughSeconds, String outcome) {
  }

  /** A resume refused: close with {@code status} after the error JSON with {@code code}. */
  public static final class Refused extends RuntimeException {
    public final CloseStatus status;
    public final String code;
    public final Duration retryAfter;

    public Refused(CloseStatus status, String code, String message, Duration retryAfter) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
      this.retryAfter = retryAfter;
    }

    public static Refused of(ResumeAdmission.Refused r) {
      return new Refused(CloseStatus.POLICY_VIOLATION.withReason(r.code().replace('_', ' ')), r.code(), r.message(),
          null);
    }
  }

  /** What a new session here needs to be built. */
  public record Wiring(SessionSettings settings, ResumeSettings resume, AudioSink sink, AudioCodecs codecs,
      GatewayMetrics metrics, Scheduler timers) {
  }

  private final SessionRegistry registry;
  private final PositionsView view;
  private final PositionsWriter writer;
  private final PositionKeeper keeper;
  private final TailScanner scanner;
  private final Wiring wiring;
  private final String me;
  private final Clock clock;
  private final Duration handoverTimeout;
  private final long leaseMs;

  public SessionResumer(SessionRegistry registry, PositionsView view, PositionsWriter writer, PositionKeeper keeper,
      TailScanner scanner, Wiring wiring, String me, Clock clock, Duration handoverTimeout, Duration lease) {
    this.registry = registry;
    this.view = view;
    this.writer = writer;
    this.keeper = keeper;
    this.scanner = scanner;
    this.wiring = wiring;
    this.me = me;
    this.clock = clock;
    this.handoverTimeout = handoverTimeout;
    this.leaseMs = lease.toMillis();
  }

  /**
   * Resumes {@code request} on the socket ({@code out}, {@code closer}); fails with {@link Refused}. A session
   * neither held here nor known to the view may have been written a moment ago by another gateway (a socket that
   * dropped right after its start and resumed here at once): the view first reads the topic up to its current end.
   */
  public Mono<Resumed> resume(Request request, Outbound out, Consumer<CloseStatus> closer) {
    if (!view.caughtUp()) {
      return Mono.error(unavailable("this server is starting; retry the resume"));
    }
    if (registry.get(request.sessionId()) != null || view.latest(request.sessionId()) != null
        || !view.state().current()) { // not current: ResumeAdmission answers "try again" for what is not held here
      return resumeKnown(request, out, closer);
    }
    return Mono.fromFuture(() -> view.readThrough().orTimeout(handoverTimeout.toMillis() + 5000,
            TimeUnit.MILLISECONDS))
        .onErrorMap(e -> unavailable("session.positions cannot be read right now; retry the resume"))
        .then(Mono.defer(() -> resumeKnown(request, out, closer)));
  }

  static Refused unavailable(String message) {
    return new Refused(CloseStatus.SERVICE_OVERLOAD.withReason("resume unavailable"), ResumeAdmission.UNAVAILABLE,
        message, Duration.ofSeconds(2));
  }

  private Mono<Resumed> resumeKnown(Request request, Outbound out, Consumer<CloseStatus> closer) {
    GatewaySession local = registry.get(request.sessionId());
    HeldSession snap = local == null ? null : local.snapshot();
    boolean heldHere = local != null && local.state() != GatewaySession.State.HANDED_OVER;
    ResumeAdmission.Held held = !heldHere ? null : new ResumeAdmission.Held(local.userId(), local.format(),
        snap != null, snap == null ? null : snap.detachedAtMs(), snap == null ? 0 : snap.expected());
    PositionsView.Event known = view.latest(request.sessionId());
    ResumeAdmission.Decision decision = ResumeAdmission.decide(
        new ResumeAdmission.Request(request.userId(), request.format(), request.from()), held,
        known == null ? null : known.position(), me, clock.millis(), wiring.resume().window().toMillis(), leaseMs,
        view.state());
    if (decision instanceof ResumeAdmission.Refused r) {
      return Mono.error(Refused.of(r));
    }
    if (decision instanceof ResumeAdmission.Unavailable u) {
      return Mono.error(unavailable(u.message()));
    }
    if (decision instanceof ResumeAdmission.AttachHere here) {
      Attached attached = local.attach(out, closer, here.from());
      if (attached == null) {
        return Mono.error(Refused.of(ResumeAdmission.REFUSED));
      }
      keeper.touch(local);
      return Mono.just(new Resumed(local, attached.attachment(), attached.from(), throughSeconds(local),
          "same_gateway"));
    }
    ResumeAdmission.TakeOver takeOver = (ResumeAdmission.TakeOver) decision;
    SessionPosition position = known.position();
    return Mono.fromCallable(() -> takeOver(request, position, takeOver, out, closer))
        .subscribeOn(Schedulers.boundedElastic()); // waits for a release, scans audio.frames
  }

  /**
   * Ends a session whose holder died and that nobody resumed (docs/CONTRACT.md section 10): claimed like a resume
   * (of two gateways claiming, the later claim wins; the other stops), its tail scanned, then ended
   * {@code client_closed} here: SessionEnded after the audio the dead holder wrote, and a tombstone. Blocking.
   */
  public void endOrphan(SessionPosition position) {
    String id = position.getSessionId();
    Outbound none = new Outbound(1);
    none.finish(CloseStatus.NORMAL);
    try (SessionMdc mdc = SessionMdc.of(id)) {
      log.info("Holder {} gone and nobody resumed within the window: ending the session for it", position.getOwner());
      Resumed r = takeOver(new Request(id, position.getUserId(), ResumeAdmission.formatOf(position), null), position,
          new ResumeAdmission.TakeOver(position.getOwner(), position.getEpoch() + 1, true), none, s -> { });
      r.session().terminate("client_closed", CloseStatus.NORMAL);
    } catch (Refused e) {
      log.debug("Orphan {} not ended here: {}", id, e.code);
    } catch (Exception e) {
      log.warn("Orphan {} not ended here: {}", id, e.toString());
    }
  }

  private Resumed takeOver(Request request, SessionPosition position, ResumeAdmission.TakeOver decision,
      Outbound out, Consumer<CloseStatus> closer) throws Exception {
    String id = request.sessionId();
    AudioFormat format = ResumeAdmission.formatOf(position);
    ClaimWait wait = new ClaimWait(id, decision.epoch());
    Runnable unlisten = view.listen(wait::onRecord);
    PositionStates.ClaimOutcome outcome;
    try {
      SessionPosition claim = PositionRecords.of(id, position.getUserId(), format, me, decision.epoch(),
          PositionStates.CLAIMED, decision.previousOwner(), PositionRecords.pointOf(position),
          position.getDetachedAtMs(), clock.millis());
      try {
        wait.claimedAt(writer.write(claim).get(handoverTimeout.toMillis() + 5000, TimeUnit.MILLISECONDS).offset());
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // session.positions takes no write now (the broker away): nothing was decided, the app tries again
        throw unavailable("session.positions cannot be written right now; retry the resume");
      }
      outcome = decision.waitForRelease() ? wait.outcome(handoverTimeout) : PositionStates.ClaimOutcome.WAIT;
    } finally {
      unlisten.run();
    }
    if (outcome == PositionStates.ClaimOutcome.ENDED) {
      throw Refused.of(ResumeAdmission.REFUSED);
    }
    if (outcome == PositionStates.ClaimOutcome.LOST) {
      throw new Refused(CloseStatus.POLICY_VIOLATION.withReason("session taken over"), "session_taken_over",
          "another socket resumed this session", null);
    }
    ResumePoint point;
    long nextSeq;
    String how;
    if (outcome == PositionStates.ClaimOutcome.RELEASED) {
      point = PositionRecords.pointOf(wait.released);
      nextSeq = point.nextSeq();
      how = "released";
    } else {
      TailFold fold = scanner.scan(id, PositionRecords.pointOf(position));
      if (fold.isEnded()) {
        writer.tombstone(id);
        throw Refused.of(ResumeAdmission.REFUSED);
      }
      point = fold.start();
      nextSeq = point.nextSeq();
      how = "taken_over_unreleased";
    }
    int priming = ChannelFraming.primingMessages(format); // each channel's decoder warmed up (section 11)
    long expected = Math.max(0, point.frames() - priming);
    long from = request.from() == null ? expected : request.from();
    boolean gap = from > expected || from < 0;
    SessionStart start = SessionStart.takenOver(point, nextSeq, priming, gap ? expected : from, decision.epoch());
    GatewaySession session = new GatewaySession(id, position.getUserId(), format, me, wiring.settings(),
        wiring.sink(), wiring.metrics(), out, clock, wiring.timers(), wiring.codecs().decoders(format, true),
        wiring.resume(), start);
    session.onForceClose(closer);
    registry.add(session);
    try (SessionMdc mdc = SessionMdc.of(id)) {
      log.info("Taken over from {} ({}): epoch {}, resume at message {} (timeline {} samples), seq {}",
          decision.previousOwner().isEmpty() ? "nobody" : decision.previousOwner(), how, decision.epoch(),
          point.frames(), point.offsetSamples(), nextSeq);
    }
    if (gap) {
      session.onSocketClosed(0); // held here, detached: the app may resume again from where it must
      keeper.held(session, PositionStates.DETACHED, null);
      throw Refused.of(ResumeAdmission.invalidFrom(from, expected));
    }
    keeper.held(session, PositionStates.ATTACHED, null);
    return new Resumed(session, session.attachment(), from, throughSeconds(session), how);
  }

  private static double throughSeconds(GatewaySession session) {
    HeldSession snap = session.snapshot();
    return snap == null ? 0 : (double) snap.durable().offsetSamples() / session.format().sampleRate();
  }

  /** Waits for the previous holder's answer to a claim: records after the claim, in partition order. */
  private final class ClaimWait {
    private final String sessionId;
    private final int epoch;
    private final ArrayDeque<PositionsView.Event> early = new ArrayDeque<>();
    private final CompletableFuture<PositionStates.ClaimOutcome> decided = new CompletableFuture<>();
    private long claimOffset = -1;
    private SessionPosition released;

    ClaimWait(String sessionId, int epoch) {
      this.sessionId = sessionId;
      this.epoch = epoch;
    }

    synchronized void onRecord(PositionsView.Event e) {
      if (!sessionId.equals(e.sessionId())) {
        return;
      }
      if (claimOffset < 0) {
        early.add(e); // the claim's own offset is not known yet
        return;
      }
      judge(e);
    }

    synchronized void claimedAt(long offset) {
      claimOffset = offset;
      while (!early.isEmpty()) {
        judge(early.poll());
      }
    }

    private void judge(PositionsView.Event e) {
      PositionStates.ClaimOutcome o = PositionStates.onClaimWait(me, epoch, e.position(), e.offset() > claimOffset);
      if (o == PositionStates.ClaimOutcome.RELEASED) {
        released = e.position();
      }
      if (o != PositionStates.ClaimOutcome.WAIT) {
        decided.complete(o);
      }
    }

    PositionStates.ClaimOutcome outcome(Duration timeout) throws InterruptedException {
      try {
        return decided.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        return PositionStates.ClaimOutcome.WAIT;
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
  }
}
