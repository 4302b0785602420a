package dev.rstt.common.concurrent;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands work from other threads (sockets, HTTP clients, producers, the breaker) to a worker's one engine thread,
 * which alone touches session state.
 */
public final class Inbox {

  private static final Logger log = LoggerFactory.getLogger(Inbox.class);

  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

  /** From any thread. */
  public void post(Runnable task) {
    tasks.add(task);
  }

  /** On the engine thread: runs everything posted so far (a failing task is logged, the rest still run). */
  public void drain() {
    Runnable task;
    while ((task = tasks.poll()) != null) {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("Engine task failed", e);
      }
    }
  }
}
