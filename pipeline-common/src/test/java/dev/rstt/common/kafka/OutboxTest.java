package dev.rstt.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OutboxTest {

  private static final long MS = 1_000_000L;

  private static List<String> items(List<Outbox.Entry<String>> sent) {
    return sent.stream().map(e -> e.item).toList();
  }

  private static long id(List<Outbox.Entry<String>> sent, String item) {
    return sent.stream().filter(e -> e.item.equals(item)).findFirst().orElseThrow().id;
  }

  @Test
  void shouldSendOneAtATimeWithAWindowOfOne() {
    Outbox<String> box = new Outbox<>(1, 200 * MS, 5_000 * MS);
    List<Outbox.Entry<String>> a = box.add("a", 0);
    assertThat(items(a)).containsExactly("a");
    assertThat(box.add("b", 0)).isEmpty();
    assertThat(items(box.acked(id(a, "a"), 1))).containsExactly("b");
    assertThat(box.failing()).isFalse();
  }

  @Test
  void shouldSendEverythingAtOnceWithAnUnboundedWindow() {
    Outbox<String> box = new Outbox<>(Integer.MAX_VALUE, 200 * MS, 5_000 * MS);
    assertThat(items(box.add("a", 0))).containsExactly("a");
    assertThat(items(box.add("b", 0))).containsExactly("b");
    assertThat(box.size()).isEqualTo(2);
  }

  @Test
  void shouldResendWhatFailedAndWhatCameAfterInTheOriginalOrderOnceNothingIsInFlight() {
    Outbox<String> box = new Outbox<>(3, 200 * MS, 5_000 * MS);
    List<Outbox.Entry<String>> sent = new java.util.ArrayList<>(box.add("a", 0));
    sent.addAll(box.add("b", 0));
    sent.addAll(box.add("c", 0));
    assertThat(items(sent)).containsExactly("a", "b", "c");
    assertThat(box.failed(id(sent, "a"), 0)).isEmpty();
    assertThat(box.failing()).isTrue();
    assertThat(box.add("d", 0)).as("nothing new while failing").isEmpty();
    assertThat(box.acked(id(sent, "b"), 10 * MS)).isEmpty();
    assertThat(box.failed(id(sent, "c"), 20 * MS)).isEmpty();
    assertThat(box.tick(199 * MS)).as("back-off from the first failure").isEmpty();
    List<Outbox.Entry<String>> round = box.tick(200 * MS);
    assertThat(items(round)).containsExactly("a", "c", "d");
    assertThat(box.failing()).as("until something is acknowledged").isTrue();
    box.acked(id(round, "a"), 210 * MS);
    assertThat(box.failing()).isFalse();
  }

  @Test
  void shouldNeverLetALaterRecordOvertakeAFailedOneWithAWindowOfOne() {
    Outbox<String> box = new Outbox<>(1, 200 * MS, 5_000 * MS);
    List<Outbox.Entry<String>> a = box.add("a", 0);
    box.add("b", 0);
    assertThat(box.failed(id(a, "a"), 0)).isEmpty();
    List<Outbox.Entry<String>> again = box.tick(200 * MS);
    assertThat(items(again)).containsExactly("a");
    assertThat(items(box.acked(id(again, "a"), 201 * MS))).containsExactly("b");
  }

  @Test
  void shouldWaitForEveryAnswerOfARoundBeforeTheNext() {
    Outbox<String> box = new Outbox<>(2, 200 * MS, 5_000 * MS);
    List<Outbox.Entry<String>> sent = new java.util.ArrayList<>(box.add("a", 0));
    sent.addAll(box.add("b", 0));
    box.failed(id(sent, "a"), 0);
    assertThat(box.tick(10_000 * MS)).as("b still in flight").isEmpty();
    assertThat(items(box.failed(id(sent, "b"), 10_000 * MS))).containsExactly("a", "b");
  }

  @Test
  void shouldDoubleTheBackOffPerFailedRoundUpToTheCap() {
    Outbox<String> box = new Outbox<>(1, 200 * MS, 500 * MS);
    long now = 0;
    List<Outbox.Entry<String>> sent = box.add("a", now);
    long[] waits = new long[4];
    for (int round = 0; round < 4; round++) {
      box.failed(sent.get(0).id, now);
      long failedAt = now;
      while ((sent = box.tick(now)).isEmpty()) {
        now += MS;
      }
      waits[round] = (now - failedAt) / MS;
    }
    assertThat(waits).containsExactly(200, 400, 500, 500);
    assertThat(box.failedRounds()).isEqualTo(4);
  }

  @Test
  void shouldTellHowLongTheOldestSendHasWaited() {
    Outbox<String> box = new Outbox<>(Integer.MAX_VALUE, 200 * MS, 5_000 * MS);
    assertThat(box.oldestInFlightSince()).isEqualTo(-1);
    List<Outbox.Entry<String>> a = box.add("a", 7 * MS);
    box.add("b", 9 * MS);
    assertThat(box.oldestInFlightSince()).isEqualTo(7 * MS);
    box.acked(id(a, "a"), 10 * MS);
    assertThat(box.oldestInFlightSince()).isEqualTo(9 * MS);
  }
}
