package dev.rstt.gateway.resume;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TailFoldTest {

  @Test
  void resumesAfterTheLastCleanChunkAndMovesSeqAheadOfEverySeen() {
    TailFold fold = new TailFold(new ResumePoint(10, 1000, 4, 2, 50));
    fold.chunk(4, 1000, 300, 13L, 2, 53);
    fold.chunk(5, 1300, 200, null, 2, 55); // ends inside a message
    assertThat(fold.point()).isEqualTo(new ResumePoint(13, 1300, 5, 2, 53));
    assertThat(fold.nextSeq()).isEqualTo(6 + TailFold.SEQ_JUMP);
    assertThat(fold.isEnded()).isFalse();
    fold.ended();
    assertThat(fold.isEnded()).isTrue();
  }

  @Test
  void nothingAfterThePositionKeepsIt() {
    ResumePoint known = new ResumePoint(10, 1000, 4, 2, 50);
    TailFold fold = new TailFold(known);
    assertThat(fold.point()).isEqualTo(known);
    assertThat(fold.nextSeq()).isEqualTo(4 + TailFold.SEQ_JUMP);
  }
}
