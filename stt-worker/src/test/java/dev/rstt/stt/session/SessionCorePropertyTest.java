package dev.rstt.stt.session;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Thousands of random schedules of everything that can happen to a session (gateway records, duplicates and
 * rebalances that re-read from the committed offset, a gateway that vanishes without SessionEnded, handshakes
 * refused or not, finals, closes, socket errors, stalls, idle time, the breaker opening and closing, Kafka
 * refusing writes for a while, acknowledgements late and interleaved), each followed by a calm phase (Deepgram
 * and Kafka healthy, the rest of the session sent) that must bring the session to its end. Publishing goes
 * through the shell's real {@code Outbox} (ordered retries, audio.degraded one at a time). {@link World} checks the invariants after every input; a
 * failure names its seed: rerun one with {@code -Dcore.seed=N}, or another batch with {@code -Dcore.seeds=M
 * -Dcore.firstSeed=K}.
 */
class SessionCorePropertyTest {

  private static final Logger CORE_LOG = (Logger) LoggerFactory.getLogger(SessionCore.class);
  private static Level saved;

  @BeforeAll
  static void quiet() {
    saved = CORE_LOG.getLevel();
    CORE_LOG.setLevel(Level.OFF); // millions of transitions: the log would cost more than the test
  }

  @AfterAll
  static void restore() {
    CORE_LOG.setLevel(saved);
  }

  @Test
  void shouldKeepEveryInvariantUnderRandomSchedules() {
    long one = Long.getLong("core.seed", -1);
    long first = one >= 0 ? one : Long.getLong("core.firstSeed", 1);
    int count = one >= 0 ? 1 : Integer.getInteger("core.seeds", 5_000);
    long started = System.nanoTime();
    long inputs = 0;
    boolean survey = Boolean.getBoolean("core.survey");
    List<String> failures = new java.util.ArrayList<>();
    for (long seed = first; seed < first + count; seed++) {
      try {
        inputs += run(seed);
      } catch (AssertionError e) {
        if (!survey) {
          throw e;
        }
        failures.add(e.getMessage().lines().findFirst().orElse(""));
      }
    }
    failures.forEach(System.out::println);
    assertThat(failures).as("failing seeds (-Dcore.survey=true lists them all)").isEmpty();
    long ms = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("%d random sessions (seeds %d..%d), %d inputs, in %d ms%n", count, first, first + count - 1,
        inputs, ms);
    assertThat(count).isGreaterThanOrEqualTo(one >= 0 ? 1 : 2_000);
  }

  /** One schedule; returns how many inputs it applied. */
  static int run(long seed) {
    World w = new World(seed, SessionSettings.defaults());
    int steps = 30 + w.rnd.nextInt(300);
    for (int i = 0; i < steps; i++) {
      randomStep(w);
    }
    settle(w);
    w.checkAllDone();
    w.checkCoverage();
    return w.trace.size();
  }

  private static void randomStep(World w) {
    int r = w.rnd.nextInt(100);
    if (r < 22) {
      if (!w.gatewayDone() && !w.consumptionPaused) {
        w.gatewayNext();
      }
    } else if (r < 24) {
      w.duplicateLastChunk();
    } else if (r < 25) {
      w.rebalance();
    } else if (r < 45) {
      w.ackHead(w.rnd.nextBoolean());
    } else if (r < 57) {
      w.tick(1 + w.rnd.nextInt(3_000));
    } else if (r < 62) {
      w.tick(100);
    } else if (r < 64) {
      w.tick(60_000 + w.rnd.nextInt(300_000)); // the gateway went quiet
    } else if (r < 96) {
      List<World.Sock> live = w.liveSockets();
      if (!live.isEmpty()) {
        socketEvent(w, live.get(w.rnd.nextInt(live.size())));
      }
    } else if (r < 98) {
      w.breakerOpen = !w.breakerOpen;
      w.apply(w.breakerOpen ? new Input.BreakerOpened() : new Input.BreakerAllowsCalls());
    } else if (r < 99) {
      w.kafkaDown = !w.kafkaDown; // writes fail (or work again) from now on
    } else {
      w.consumptionPaused = !w.consumptionPaused; // the worker holds audio back (memory, failing publishes)
      w.apply(w.consumptionPaused ? new Input.ConsumptionPaused() : new Input.ConsumptionResumed());
    }
  }

  private static void socketEvent(World w, World.Sock s) {
    int r = w.rnd.nextInt(100);
    if (!s.opened) {
      if (r < 75) {
        w.handshakeOk(s);
      } else if (r < 88) {
        w.handshakeRefused(s, w.rnd.nextBoolean() ? 503 : 429);
      } else if (r < 94) {
        w.handshakeRefused(s, 400 + w.rnd.nextInt(4));
      } else {
        s.closed = true;
        w.apply(new Input.ConnectFailed(s.stt, dev.rstt.common.deepgram.DeepgramFailure.TRANSIENT,
            "connect_IOException", "sim"));
      }
      return;
    }
    if (w.flappy && w.resumeAtOf.containsKey(s.stt) && r < 30) {
      w.recoveryDies(s);
      return;
    }
    if (s.closeStreamSent && r < 40) {
      if (s.finalCursor() < s.sentEnd) {
        w.finalFor(s, true, w.rnd.nextBoolean());
      } else {
        w.close(s, 1000);
      }
    } else if (r < 50) {
      w.finalFor(s, false, w.rnd.nextInt(4) != 0);
    } else if (r < 62) {
      w.finalFor(s, true, w.rnd.nextInt(4) != 0);
    } else if (r < 80) {
      w.apply(new Input.MessageReceived(s.stt));
    } else if (r < 88) {
      w.close(s, w.rnd.nextBoolean() ? 1011 : 1006);
    } else if (r < 93) {
      w.socketError(s);
    } else if (r < 96 && !s.closeStreamSent) {
      w.close(s, 1000); // a close nobody asked for
    }
  }

  /** Deepgram and Kafka healthy, the breaker closed, the rest of the session sent: it must end. */
  private static void settle(World w) {
    w.kafkaDown = false;
    if (w.consumptionPaused) {
      w.consumptionPaused = false;
      w.apply(new Input.ConsumptionResumed());
    }
    w.breakerOpen = false;
    w.apply(new Input.BreakerAllowsCalls());
    for (int i = 0; i < 20_000 && !(w.gatewayDone() && w.coreFinished); i++) {
      if (!w.events.isEmpty()) {
        w.ackHead(false);
        continue;
      }
      if (!w.degraded.isEmpty()) {
        w.ackHead(true);
        continue;
      }
      World.Sock act = null;
      for (World.Sock s : w.liveSockets()) {
        if (!s.opened || s.finalCursor() < s.sentEnd || s.closeStreamSent) {
          act = s;
          break;
        }
      }
      if (act != null) {
        if (!act.opened) {
          w.handshakeOk(act);
        } else if (act.finalCursor() < act.sentEnd) {
          w.finalFor(act, true, true);
        } else {
          w.close(act, 1000);
        }
        continue;
      }
      if (!w.gatewayDone()) {
        w.gatewayNext();
        continue;
      }
      w.tick(250);
    }
  }
}
