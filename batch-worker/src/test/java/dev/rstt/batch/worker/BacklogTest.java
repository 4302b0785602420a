package dev.rstt.batch.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class BacklogTest {

  private final SessionState session = new SessionState("s", new PartitionLedger(new TopicPartition("t", 0)));
  private long order;

  private BatchChunk chunk(long receivedAtMs) {
    session.sampleRate = 16000;
    return new BatchChunk(session, order, order++, "c" + order, 0, 16000, new byte[0], List.of(), receivedAtMs,
        false);
  }

  @Test
  void shouldStartOldestAudioFirstUpToTheLimit() {
    Backlog backlog = new Backlog();
    BatchChunk young = chunk(300);
    BatchChunk old = chunk(100);
    BatchChunk middle = chunk(200);
    backlog.add(young);
    backlog.add(old);
    backlog.add(middle);
    assertThat(backlog.takeDue(0, 1, 3)).containsExactly(old, middle);
    assertThat(backlog.takeDue(0, 3, 3)).isEmpty();
    assertThat(backlog.takeDue(0, 0, 3)).containsExactly(young);
    assertThat(backlog.isEmpty()).isTrue();
  }

  @Test
  void shouldNotLetAYoungerChunkOvertakeAnOlderOneThatIsBackingOff() {
    Backlog backlog = new Backlog();
    BatchChunk old = chunk(100);
    BatchChunk young = chunk(200);
    old.notBeforeMs = 5_000;
    backlog.add(young);
    backlog.add(old);
    assertThat(backlog.takeDue(1_000, 0, 4)).isEmpty();
    assertThat(backlog.takeDue(5_000, 0, 4)).containsExactly(old, young);
  }

  @Test
  void shouldBreakTiesByCutOrder() {
    Backlog backlog = new Backlog();
    BatchChunk first = chunk(100);
    BatchChunk second = chunk(100);
    backlog.add(second);
    backlog.add(first);
    assertThat(backlog.takeDue(0, 0, 1)).containsExactly(first);
    assertThat(backlog.remove(second)).isTrue();
    assertThat(backlog.size()).isZero();
  }
}
