package dev.rstt.batch.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands work from HTTP and producer threads to the engine thread, which alone touches session state. */
final class Inbox {

  private static final Logger log = LoggerFactory.getLogger(Inbox.class);

  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

  /** From any thread. */
  void post(Runnable task) {
    tasks.add(task);
  }

  /** On the engine thread: runs everything posted so far (a failing task is logged, the rest still run). */
  void drain() {
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
