package dev.rstt.batch.internal;

import org.springframework.context.SmartLifecycle;

/** Runs the {@link BatchEngine} on its own thread between the application's start and stop. */
public final class BatchWorker implements SmartLifecycle {

  private final BatchEngine engine;
  private Thread thread;
  private volatile boolean started;

  public BatchWorker(BatchEngine engine) {
    this.engine = engine;
  }

  @Override
  public synchronized void start() {
    if (started) {
      return;
    }
    started = true;
    thread = new Thread(engine, "batch-worker-poll");
    thread.start();
  }

  @Override
  public synchronized void stop() {
    if (!started) {
      return;
    }
    started = false;
    engine.stop();
    try {
      thread.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Started and its poll loop alive (false once the loop died). */
  @Override
  public boolean isRunning() {
    return started && (engine.isAlive() || thread.isAlive());
  }
}
