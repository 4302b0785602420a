package dev.rstt.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.SessionEnded;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The publishing half against a sink whose answers the test gives: seeded random sequences of publishes,
 * acknowledgements, failures, end requests and capacity checks, with the invariants checked after every step.
 */
class SessionPublisherTest {

  private static final long CAP = 1000;

  /** One end request: the records handed over before it, and its future. */
  private record EndRequest(int handedBefore, CompletableFuture<Void> future) {
  }

  @Test
  void shouldKeepTheEndAndBackPressureRulesUnderRandomAnswers() {
    for (long seed = 0; seed < 2000; seed++) {
      runOne(seed);
    }
  }

  private void runOne(long seed) {
    Random random = new Random(seed);
    GatewaySessionTest.ManualSink sink = new GatewaySessionTest.ManualSink();
    AtomicInteger failures = new AtomicInteger();
    SessionPublisher publisher = new SessionPublisher("s", sink, CAP, e -> failures.incrementAndGet());
    List<Long> bytes = new ArrayList<>();
    List<Boolean> answered = new ArrayList<>();
    List<Boolean> failed = new ArrayList<>();
    List<EndRequest> ends = new ArrayList<>();
    CompletableFuture<Void> capacity = null;
    for (int step = 0; step < 60; step++) {
      int op = random.nextInt(10);
      if (op < 4) {
        long b = random.nextInt(400);
        bytes.add(b);
        answered.add(false);
        failed.add(false);
        publisher.publish(SessionEnded.newBuilder().setSessionId("s").setUserId("u").setLastSeq(0)
            .setEndOffsetSamples(0).setSampleRate(16000).setReason("stop").build(), b);
      } else if (op < 8 && answered.contains(false)) {
        int i = pickUnanswered(random, answered);
        answered.set(i, true);
        if (random.nextInt(8) == 0) {
          failed.set(i, true);
          sink.acks.get(i).completeExceptionally(new IllegalStateException("refused"));
        } else {
          sink.acks.get(i).complete(null);
        }
      } else if (op == 8) {
        ends.add(new EndRequest(bytes.size(), publisher.whenAllAcknowledged()));
      } else {
        CompletableFuture<Void> c = publisher.capacity();
        capacity = c != null ? c : capacity;
      }
      // invariants
      boolean anyFailed = failed.contains(true);
      for (EndRequest end : ends) {
        boolean beforeAcknowledged = true;
        boolean beforeFailed = false;
        for (int i = 0; i < end.handedBefore(); i++) {
          beforeAcknowledged &= answered.get(i) && !failed.get(i);
          beforeFailed |= failed.get(i);
        }
        if (end.future().isDone() && !end.future().isCompletedExceptionally()) {
          assertThat(beforeAcknowledged).as("seed %d: an end proceeded over an unanswered or failed record", seed)
              .isTrue();
        }
        if (beforeFailed) {
          assertThat(end.future()).as("seed %d: an end over a failed record", seed).isCompletedExceptionally();
        }
        if (!answered.contains(false) && !anyFailed) {
          assertThat(end.future()).as("seed %d: an end waits although every record is acknowledged", seed)
              .isCompleted();
        }
      }
      long unacked = 0;
      for (int i = 0; i < bytes.size(); i++) {
        unacked += answered.get(i) ? 0 : bytes.get(i);
      }
      assertThat(publisher.unackedBytes()).as("seed %d", seed).isEqualTo(unacked);
      if (capacity != null && !capacity.isDone()) {
        assertThat(unacked >= CAP && !anyFailed).as("seed %d: a reader waits although below the cap", seed).isTrue();
      }
      assertThat(failures.get()).as("seed %d: the first failure is reported once", seed).isEqualTo(anyFailed ? 1 : 0);
    }
  }

  private static int pickUnanswered(Random random, List<Boolean> answered) {
    List<Integer> open = new ArrayList<>();
    for (int i = 0; i < answered.size(); i++) {
      if (!answered.get(i)) {
        open.add(i);
      }
    }
    return open.get(random.nextInt(open.size()));
  }
}
