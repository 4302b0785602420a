package dev.rstt.tools.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Carries out a {@link ChaosSchedule}: at each event's start and end, the emulator's fault set (the union of the
 * active emulator faults, one PUT; DELETE when none) or a process action through {@link ProcessControl}. A one-off
 * close is removed from the set as soon as the emulator counted it (or after 3 s when no socket was open to close).
 * Records what was done and when ({@link Applied}). The shell around the pure schedule.
 */
public final class FaultInjector {

  /** An event as it was carried out: wall-clock start and end (epoch ms), and what went wrong, if anything. */
  public record Applied(FaultEvent event, long startedAtMs, long endedAtMs, boolean began, String error) {
  }

  private final EmulatorAdmin emulator;
  private final ProcessControl processes;
  private final Consumer<String> log;
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(6, r -> {
    Thread t = new Thread(r, "chaos-injector");
    t.setDaemon(true);
    return t;
  });
  private final Set<FaultEvent> activeEmulator = new LinkedHashSet<>();
  private final List<Applied> applied = Collections.synchronizedList(new ArrayList<>());
  private final Map<Integer, Long> startedAt = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<Integer, String> errors = new java.util.concurrent.ConcurrentHashMap<>();
  private final Set<Integer> failedToBegin = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private CountDownLatch pending;
  private volatile java.util.function.IntPredicate socketDropper = pick -> false;

  public FaultInjector(EmulatorAdmin emulator, ProcessControl processes, Consumer<String> log) {
    this.emulator = emulator;
    this.processes = processes;
    this.log = log;
  }

  /**
   * Who carries out a {@code socket_drop}: aborts one of the apps' open sockets ({@code pick} chooses which), false
   * when none is open.
   */
  public void dropSocketsWith(java.util.function.IntPredicate dropper) {
    this.socketDropper = dropper;
  }

  /** Schedules every event relative to {@code runStartMs} (epoch ms). */
  public void start(ChaosSchedule schedule, long runStartMs) {
    start(schedule.events(), runStartMs);
  }

  /** Schedules the given events relative to {@code runStartMs} (epoch ms); no two of one slot may overlap. */
  public void start(List<FaultEvent> events, long runStartMs) {
    pending = new CountDownLatch(events.size());
    for (FaultEvent e : events) {
      long startDelay = Math.max(0, runStartMs + e.atMs() - System.currentTimeMillis());
      timer.schedule(() -> begin(e, runStartMs), startDelay, TimeUnit.MILLISECONDS);
    }
  }

  /** Waits until every event has ended. */
  public boolean await(long timeoutMs) throws InterruptedException {
    return pending.await(timeoutMs, TimeUnit.MILLISECONDS);
  }

  public List<Applied> applied() {
    synchronized (applied) {
      return List.copyOf(applied);
    }
  }

  /** Clears every emulator fault and releases every process (for the end of a run, also an interrupted one). */
  public void releaseAll() {
    timer.shutdownNow();
    synchronized (activeEmulator) {
      activeEmulator.clear();
    }
    try {
      emulator.clear();
    } catch (RuntimeException e) {
      log.accept("could not clear the emulator's faults: " + e.getMessage());
    }
    processes.releaseAll();
  }

  private void begin(FaultEvent e, long runStartMs) {
    startedAt.put(e.id(), System.currentTimeMillis());
    log.accept("fault " + e.label() + " begins");
    try {
      if (e.kind().emulator()) {
        Map<String, Long> before = e.kind().instant() ? emulator.faultsApplied() : Map.of();
        synchronized (activeEmulator) {
          activeEmulator.add(e);
          pushEmulator();
        }
        if (e.kind().instant()) {
          awaitCounted(e, before);
          end(e);
          return;
        }
      } else if (e.kind() == FaultKind.BROKER_STALL) {
        processes.stallBroker();
      } else if (e.kind() == FaultKind.SOCKET_DROP) {
        if (!socketDropper.test(e.param())) {
          throw new IllegalStateException("no app socket open to drop");
        }
        end(e);
        return;
      } else {
        processes.kill(ProcessControl.serviceOf(e.kind()), e.param());
      }
    } catch (Exception ex) {
      errors.put(e.id(), "begin: " + ex);
      failedToBegin.add(e.id());
      log.accept("fault " + e.label() + " could not begin: " + ex.getMessage());
    }
    long endDelay = Math.max(0, runStartMs + e.endMs() - System.currentTimeMillis());
    timer.schedule(() -> end(e), endDelay, TimeUnit.MILLISECONDS);
  }

  private void end(FaultEvent e) {
    try {
      if (e.kind().emulator()) {
        synchronized (activeEmulator) {
          activeEmulator.remove(e);
          pushEmulator();
        }
      } else if (e.kind() == FaultKind.BROKER_STALL) {
        processes.resumeBroker();
      } else if (e.kind() == FaultKind.SOCKET_DROP) {
        // nothing to undo: the app resumes by itself
      } else {
        processes.restart(ProcessControl.serviceOf(e.kind()), e.param());
      }
    } catch (Exception ex) {
      errors.merge(e.id(), "end: " + ex, (a, b) -> a + "; " + b);
      log.accept("fault " + e.label() + " could not end: " + ex.getMessage());
    } finally {
      applied.add(new Applied(e, startedAt.getOrDefault(e.id(), -1L), System.currentTimeMillis(),
          !failedToBegin.contains(e.id()), errors.get(e.id())));
      log.accept("fault " + e.label() + " ends");
      pending.countDown();
    }
  }

  /** Held while {@code activeEmulator} is locked, so PUTs go out in the order of the changes. */
  private void pushEmulator() {
    Optional<String> body = EmulatorFaults.body(activeEmulator);
    if (body.isPresent()) {
      emulator.put(body.get());
    } else {
      emulator.clear();
    }
  }

  private void awaitCounted(FaultEvent e, Map<String, Long> before) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 3_000;
    while (System.currentTimeMillis() < deadline) {
      Map<String, Long> now = emulator.faultsApplied();
      for (String counter : e.kind().counters()) {
        if (now.getOrDefault(counter, 0L) > before.getOrDefault(counter, 0L)) {
          return;
        }
      }
      Thread.sleep(100);
    }
  }
}
