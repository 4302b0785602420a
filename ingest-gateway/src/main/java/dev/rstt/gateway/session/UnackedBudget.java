package dev.rstt.gateway.session;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/** Bytes handed to Kafka and not yet acknowledged, against a cap; waiters run when it drops below the cap. */
public final class UnackedBudget {

  private final long cap;
  private final AtomicLong used = new AtomicLong();
  private final Queue<Runnable> onFree = new ConcurrentLinkedQueue<>();

  public UnackedBudget(long cap) {
    this.cap = cap;
  }

  public void acquire(long bytes) {
    used.addAndGet(bytes);
  }

  public void release(long bytes) {
    if (used.addAndGet(-bytes) < cap) {
      drain();
    }
  }

  public boolean full() {
    return used.get() >= cap;
  }

  public long used() {
    return used.get();
  }

  /** Runs {@code r} once the budget is below its cap (at once if it already is). */
  public void whenFree(Runnable r) {
    onFree.add(r);
    if (!full()) {
      drain();
    }
  }

  private void drain() {
    Runnable r;
    while (!full() && (r = onFree.poll()) != null) {
      r.run();
    }
  }
}
