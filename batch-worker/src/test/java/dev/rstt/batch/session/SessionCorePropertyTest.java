package dev.rstt.batch.session;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Thousands of random schedules of everything that can happen to a session on the batch path: degraded audio as
 * STT workers write it (episodes, resumes, overlaps before the resume offset, cold take-overs, chunks written twice,
 * re-routes from an earlier chunk, gaps, an end written twice or never), Deepgram answering in any order with
 * transient and permanent failures, Kafka acknowledging in any order, rebalances and crashes that re-read from the
 * committed offset with a new core, the worker pausing and forcing cuts, idle time; each followed by a calm phase
 * (Deepgram and Kafka healthy, the rest of the session written) that must bring the session to its end.
 * {@link World} checks after every input: chunks of an episode never overlap and hold exactly the tape's audio; a
 * record is done only when its samples are in acknowledged chunks (or in an earlier record not done); the committed
 * offset never passes a record not transcribed and acknowledged; statuses in order, each after every chunk cut
 * before it, with the resume offset and where the episode's audio ended; nothing after Finished. At the end every
 * record is done and every episode of every incarnation not dropped was transcribed exactly once. A failure names
 * its seed: rerun it with {@code -Dcore.seed=N}, or another batch with {@code -Dcore.seeds=M -Dcore.firstSeed=K}.
 */
class SessionCorePropertyTest {

  private static final Logger CORE_LOG = (Logger) LoggerFactory.getLogger(SessionCore.class);
  private static Level saved;

  @BeforeAll
  static void quiet() {
    saved = CORE_LOG.getLevel();
    CORE_LOG.setLevel(Level.OFF); // hundreds of thousands of lines would cost more than the test
  }

  @AfterAll
  static void restore() {
    CORE_LOG.setLevel(saved);
  }

  @Test
  void shouldKeepEveryInvariantUnderRandomSchedules() {
    long one = Long.getLong("core.seed", -1);
    long first = one >= 0 ? one : Long.getLong("core.firstSeed", 1);
    int count = one >= 0 ? 1 : Integer.getInteger("core.seeds", 3_000);
    long started = System.nanoTime();
    long cpuStarted = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    long inputs = 0;
    long records = 0;
    for (long seed = first; seed < first + count; seed++) {
      World w = run(seed);
      inputs += w.inputs;
      records += w.up.log.size();
    }
    long ms = (System.nanoTime() - started) / 1_000_000;
    long cpuMs = (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStarted)
        / 1_000_000;
    System.out.printf("%d random sessions (seeds %d..%d), %d records, %d inputs, in %d ms (%d ms of CPU)%n", count,
        first, first + count - 1, records, inputs, ms, cpuMs);
    System.out.println("Seen: " + World.SEEN);
    assertThat(inputs).isGreaterThan(count * 20L);
    if (count >= 1_000) {
      for (String what : java.util.List.of("cut cut", "cut flush", "cut gap", "cut replay", "cut idle", "cut forced",
          "retry", "chunk_lost", "stt_recovered", "batch_finished", "DuplicateSkipped", "rebalance", "crash")) {
        assertThat(World.SEEN.getOrDefault(what, 0L)).as("schedules exercising %s", what).isGreaterThan(count / 100);
      }
    }
  }

  /** One schedule, then the calm phase and the final checks. */
  static World run(long seed) {
    World w = new World(seed);
    int steps = 50 + w.rnd.nextInt(600);
    for (int i = 0; i < steps; i++) {
      randomStep(w);
    }
    settle(w);
    w.checkSettled();
    return w;
  }

  private static void randomStep(World w) {
    int r = w.rnd.nextInt(100);
    if (r < 20) {
      w.up.step();
    } else if (r < 45) {
      if (w.hasUnread() && !w.paused) {
        w.read();
      }
    } else if (r < 60) {
      w.answer(false);
    } else if (r < 80) {
      w.ack();
    } else if (r < 91) {
      w.tick(1 + w.rnd.nextInt(3_000));
    } else if (r < 93) {
      w.tick(61_000 + w.rnd.nextInt(60_000)); // nothing read for longer than the retention
    } else if (r < 95) {
      w.setPaused(!w.paused);
    } else if (r < 97) {
      w.forceCut();
    } else if (r < 98) {
      w.commit();
      w.pokeFinished();
    } else {
      w.rebalance(w.rnd.nextBoolean());
    }
  }

  /** Deepgram and Kafka healthy, the rest of the session written and read: it must end. */
  private static void settle(World w) {
    w.up.calm = true;
    if (w.paused) {
      w.setPaused(false);
    }
    for (int i = 0; i < 100_000; i++) {
      if (!w.up.done()) {
        w.up.step();
      } else if (w.hasUnread()) {
        w.read();
      } else if (!w.kafka.isEmpty()) {
        w.ack();
      } else if (!w.deepgram.isEmpty()) {
        int before = w.deepgram.size();
        w.answer(true);
        if (w.deepgram.size() == before) {
          w.tick(100); // waiting for a retry's back-off
        }
      } else if (w.coreLive()) {
        w.tick(500);
      } else {
        return;
      }
    }
    w.check(false, "the calm phase did not end");
  }
}
