package dev.rstt.gateway.session;

import dev.rstt.avro.SessionUpdate;
import dev.rstt.gateway.GatewayMetrics;
import dev.rstt.gateway.resume.DurableThrottle;
import dev.rstt.gateway.resume.UpdateGate;
import dev.rstt.gateway.updates.AppMessages;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.springframework.web.reactive.socket.CloseStatus;

/**
 * The app-facing half of a session: the socket it is attached to ({@link Outbound} and the force-close callback,
 * replaced when a socket resumes the session), the merger's updates (revisions already delivered dropped; held
 * while a resumed socket's transcript snapshot is fetched) and the throttle of {@code audio_durable} (none to a
 * resumed socket before its snapshot: {@code session_resumed}, the transcript so far and the latest status come
 * first). A finished
 * outbound (socket gone, session ending) takes nothing more. Thread-safe: a frame is decided and queued under the
 * lock {@link #attach} takes, so a frame decided for one socket never reaches a socket attached after the decision
 * (an {@code audio_durable} or update ahead of a resumed socket's {@code session_resumed} and snapshot).
 * The transcript is {@link #complete} once the merger's {@code complete} update is delivered (not while it is held
 * for a snapshot: a close after stop must not overtake the held updates).
 */
final class SessionOutbound {

  /** The attached socket: where frames go and how to close it. */
  record Socket(Outbound out, Consumer<CloseStatus> closer) {

    /** Another socket or gateway took the session: 1008 {@code session_taken_over}. */
    void takenOver() {
      CloseStatus status = CloseStatus.POLICY_VIOLATION.withReason("session taken over");
      out.finish(status, AppMessages.error("session_taken_over", "another socket resumed this session", null));
      closer.accept(status);
    }
  }

  private final GatewayMetrics metrics;
  private final DurableThrottle throttle;
  private final UpdateGate gate = new UpdateGate(1024);
  private volatile Socket socket;
  private long lastRevision = -1;
  /** The merger said the transcript is complete, and that update is no longer held. */
  final CompletableFuture<Void> complete = new CompletableFuture<>();
  private boolean completeHeld;
  private volatile boolean completeQueued;

  SessionOutbound(Outbound first, GatewayMetrics metrics, long durableIntervalMs) {
    this.socket = new Socket(first, s -> { });
    this.metrics = metrics;
    this.throttle = new DurableThrottle(durableIntervalMs);
  }

  Outbound out() {
    return socket.out();
  }

  void onForceClose(Consumer<CloseStatus> closer) {
    socket = new Socket(socket.out(), closer);
  }

  void forceClose(CloseStatus status) {
    socket.closer().accept(status);
  }

  /** Queues a frame; false when the client reads too slowly (the queue is full) on a socket still open. */
  synchronized boolean send(String text) {
    Outbound out = socket.out();
    return out.emit(text) || out.finished();
  }

  private boolean sendAll(List<String> frames) {
    for (String frame : frames) {
      if (!send(frame)) {
        return false;
      }
    }
    return true;
  }

  /** The last frames and the close code for the attached socket. */
  void finish(CloseStatus status, String... last) {
    socket.out().finish(status, last);
  }

  boolean finished() {
    return socket.out().finished();
  }

  /**
   * A new socket: it replaces the attached one (returned, for the caller to close), hears about durable audio
   * afresh, and gets no live update until {@link #snapshotSent}.
   */
  synchronized Socket attach(Outbound next, Consumer<CloseStatus> closer) {
    Socket previous = socket;
    socket = new Socket(next, closer);
    throttle.reset();
    gate.close();
    return previous;
  }

  /** The first socket resumed a session taken over from another gateway: it waits for its snapshot too. */
  synchronized void awaitSnapshot() {
    gate.close();
  }

  /**
   * The socket leaves for good (the session was handed over); {@code takenOver}: it was open, and is closed 1008
   * {@code session_taken_over} (outside the lock).
   */
  void release(boolean takenOver) {
    Socket previous;
    synchronized (this) {
      previous = socket;
      Outbound gone = new Outbound(1);
      gone.finish(CloseStatus.NORMAL);
      socket = new Socket(gone, s -> { });
    }
    if (takenOver) {
      previous.takenOver();
    }
  }

  /**
   * Queues the frames an update from the merger becomes for the app now (none: dropped or held); false when the
   * client reads too slowly.
   */
  boolean deliver(SessionUpdate update) {
    boolean ok = queue(update);
    settle();
    return ok;
  }

  private synchronized boolean queue(SessionUpdate update) {
    if (socket.out().finished()) {
      completeQueued |= update.getComplete();
      metrics.updateDropped("closed");
      return true;
    }
    if (gate.hold(update)) {
      completeHeld |= update.getComplete();
      return true; // a resumed socket's snapshot is on its way
    }
    if (update.getRevision() <= lastRevision) {
      completeQueued |= update.getComplete();
      metrics.updateDropped("duplicate");
      return true;
    }
    lastRevision = update.getRevision();
    metrics.updateDelivered();
    boolean ok = sendAll(AppMessages.render(update));
    completeQueued |= update.getComplete(); // only once its frames are queued
    return ok;
  }

  /** Outside the lock and after its frames are queued: a close after stop it lets go must not overtake them. */
  private void settle() {
    if (completeQueued) {
      complete.complete(null);
    }
  }


  /**
   * The snapshot of {@code revision} was sent (-1: none): the updates held meanwhile are queued now, before any
   * update that arrives after the gate opened (their {@code complete} was seen when they arrived); false when the
   * client reads too slowly.
   */
  boolean snapshotSent(long revision) {
    boolean ok = openGate(revision);
    settle();
    return ok;
  }

  private synchronized boolean openGate(long revision) {
    lastRevision = Math.max(lastRevision, revision);
    boolean wasComplete = completeHeld;
    completeHeld = false;
    for (SessionUpdate held : gate.open(revision)) {
      if (!queue(held)) {
        return false;
      }
    }
    completeQueued |= wasComplete; // also when the snapshot already showed it (its update dropped as older)
    return true;
  }


  /**
   * The throttle's decision for a durable position of {@code frames} at {@code nowMs}: a send queues
   * {@code frame} here; an arm is handed to {@code arm}. False when the client reads too slowly.
   */
  synchronized boolean durable(long frames, long nowMs, boolean timerFired, Supplier<String> frame,
      LongConsumer arm) {
    if (socket.out().finished() || gate.isClosed()) {
      if (timerFired) {
        throttle.disarm(); // a resumed socket hears the position right after its snapshot
      }
      return true;
    }
    DurableThrottle.Decision decision = timerFired ? throttle.fire(frames, nowMs) : throttle.offer(frames, nowMs);
    if (decision instanceof DurableThrottle.Arm armed) {
      arm.accept(armed.atMs());
    }
    return !(decision instanceof DurableThrottle.Send) || send(frame.get());
  }
}
