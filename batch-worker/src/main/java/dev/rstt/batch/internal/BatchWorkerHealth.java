package dev.rstt.batch.internal;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** DOWN when the poll loop is not running (it died, or the worker is stopping). */
public final class BatchWorkerHealth implements HealthIndicator {

  private final BatchWorker worker;

  public BatchWorkerHealth(BatchWorker worker) {
    this.worker = worker;
  }

  @Override
  public Health health() {
    return worker.isRunning() ? Health.up().build() : Health.down().withDetail("poll-loop", "not running").build();
  }
}
