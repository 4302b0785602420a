package dev.rstt.gateway.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;

/**
 * The publishing half of one session: hands its records to the {@link AudioSink} in the order it is called
 * (callers serialise), keeps their answers in an {@link AckLedger}, says when the socket may be read again
 * (per-session cap and the instance's {@link UnackedBudget}), and when {@code SessionEnded} may follow. It
 * outlives the socket: records of a session whose app is gone are still delivered, and its SessionEnded after
 * them.
 */
final class SessionPublisher {

  private final String sessionId;
  private final AudioSink sink;
  private final Consumer<Throwable> onFirstFailure;
  private final AckLedger ledger;
  private final List<CompletableFuture<Void>> settledWaiters = new ArrayList<>();
  private CompletableFuture<Void> capacityWaiter;
  private Throwable failure;

  /**
   * @param maxUnackedBytes the session's cap on unacknowledged audio bytes
   * @param onFirstFailure called once, outside any lock, when Kafka refuses a record for good
   */
  SessionPublisher(String sessionId, AudioSink sink, long maxUnackedBytes, Consumer<Throwable> onFirstFailure) {
    this.sessionId = sessionId;
    this.sink = sink;
    this.ledger = new AckLedger(maxUnackedBytes);
    this.onFirstFailure = onFirstFailure;
  }

  /** Hands one record over; completes when Kafka acknowledged it (with where), exceptionally when it never will. */
  CompletableFuture<Placement> publish(SpecificRecord record, long bytes) {
    synchronized (this) {
      ledger.handed(bytes);
    }
    CompletableFuture<Placement> acked = sink.publish(sessionId, record, bytes);
    acked.whenComplete((v, error) -> settle(bytes, error));
    return acked.thenApply(p -> p == null ? Placement.UNKNOWN : p);
  }

  /** Hands a record over outside the session's accounting (a best-effort SessionEnded of an abandoned session). */
  CompletableFuture<Placement> publishUnaccounted(SpecificRecord record) {
    return sink.publish(sessionId, record, 0);
  }

  /**
   * Completes once every record handed over (so far, and until then) is acknowledged; exceptionally (with the
   * cause) as soon as any record of the session failed, so a SessionEnded chained on it is never published over
   * a hole.
   */
  CompletableFuture<Void> whenAllAcknowledged() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    Throwable failed;
    synchronized (this) {
      failed = failure;
      if (failed == null && !ledger.settled()) {
        settledWaiters.add(f);
        return f;
      }
    }
    if (failed != null) {
      f.completeExceptionally(failed);
    } else {
      f.complete(null);
    }
    return f;
  }

  /**
   * Null when the socket may be read now; otherwise a future that completes when the session and the instance
   * are below their caps again (or the session failed, so the socket loop can finish).
   */
  CompletableFuture<Void> capacity() {
    CompletableFuture<Void> waiter;
    synchronized (this) {
      if (failure != null || !overCap()) {
        return null;
      }
      if (capacityWaiter == null) {
        capacityWaiter = new CompletableFuture<>();
      }
      waiter = capacityWaiter;
    }
    if (sink.global().full()) {
      sink.global().whenFree(this::checkCapacity);
    }
    checkCapacity();
    return waiter;
  }

  synchronized boolean allAcknowledged() {
    return ledger.mayEnd();
  }

  synchronized Throwable failure() {
    return failure;
  }

  synchronized long unackedBytes() {
    return ledger.unackedBytes();
  }

  private boolean overCap() {
    return ledger.atCap() || sink.global().full();
  }

  private void settle(long bytes, Throwable error) {
    List<CompletableFuture<Void>> waiters = List.of();
    Throwable first = null;
    synchronized (this) {
      if (error == null) {
        ledger.acknowledged(bytes);
      } else {
        ledger.failed(bytes);
        if (failure == null) {
          failure = error;
          first = error;
        }
      }
      if (first != null || (failure == null && ledger.settled())) {
        waiters = new ArrayList<>(settledWaiters);
        settledWaiters.clear();
      }
    }
    Throwable failed = failure();
    for (CompletableFuture<Void> w : waiters) {
      if (failed != null) {
        w.completeExceptionally(failed);
      } else {
        w.complete(null);
      }
    }
    if (first != null) {
      onFirstFailure.accept(first);
    }
    checkCapacity();
  }

  private void checkCapacity() {
    CompletableFuture<Void> waiter;
    boolean waitForGlobal = false;
    synchronized (this) {
      if (capacityWaiter == null) {
        return;
      }
      if (failure == null && overCap()) {
        // below our own cap but the instance is full: an acknowledgement of another session frees us
        waitForGlobal = !ledger.atCap();
        waiter = null;
      } else {
        waiter = capacityWaiter;
        capacityWaiter = null;
      }
    }
    if (waiter != null) {
      waiter.complete(null);
    } else if (waitForGlobal) {
      sink.global().whenFree(this::checkCapacity);
    }
  }
}
