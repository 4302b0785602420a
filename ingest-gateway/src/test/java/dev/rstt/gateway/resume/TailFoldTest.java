package dev.rstt.gateway.resume;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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

  /**
   * A two-channel session: each channel's end is that of its last chunk in its sequence, and only a chunk naming a
   * message (the last of a cut) makes a resume point, with every channel's ends there. Chunks of a cut the dead
   * holder did not finish writing are after the point: their audio is asked for again.
   */
  @Test
  void aTwoChannelTailResumesAtTheLastWholeCutOfEveryChannel() {
    ResumePoint known = ResumePoint.ofChannels(10, List.of(new ChannelPoint(1, 1000, 4), new ChannelPoint(2, 500, 2)),
        3, 50);
    TailFold fold = new TailFold(known);
    fold.chunk(1, 4, 1000, 300, null, 3, 51);
    fold.chunk(2, 2, 500, 100, 14L, 3, 52); // the cut at message 14: both channels
    fold.chunk(2, 3, 600, 200, 17L, 3, 53); // the cut at 17: channel 2 only
    fold.chunk(1, 5, 1300, 300, null, 3, 54); // the cut at 20, channel 2's chunk of it never written
    assertThat(fold.point()).isEqualTo(ResumePoint.ofChannels(17,
        List.of(new ChannelPoint(1, 1300, 5), new ChannelPoint(2, 800, 4)), 3, 53));
    assertThat(fold.start()).as("each channel's seq ahead of every seq it had").isEqualTo(ResumePoint.ofChannels(17,
        List.of(new ChannelPoint(1, 1300, 6 + TailFold.SEQ_JUMP), new ChannelPoint(2, 800, 4 + TailFold.SEQ_JUMP)),
        3, 53));
  }

  /** With the one-channel rule a chunk's own end made the point: channel 1's end at a cut of channel 2 was lost. */
  @Test
  void aTwoChannelCutTakesEveryChannelsEndNotTheMarkingChunksOnly() {
    TailFold fold = new TailFold(ResumePoint.ofChannels(0, List.of(new ChannelPoint(1, 0, 0),
        new ChannelPoint(2, 0, 0)), 0, 1));
    fold.chunk(1, 0, 0, 1600, null, 0, 2);
    fold.chunk(2, 0, 0, 800, 5L, 0, 3);
    assertThat(fold.point().channel(1)).isEqualTo(new ChannelPoint(1, 1600, 1));
    assertThat(fold.point().channel(2)).isEqualTo(new ChannelPoint(2, 800, 1));
  }

  /** A record an earlier holder still had in flight lands late: it moves no channel back. */
  @Test
  void aLateRecordOfAnEarlierHolderMovesNoChannel() {
    long jumped = 7 + TailFold.SEQ_JUMP;
    TailFold fold = new TailFold(ResumePoint.ofChannels(10, List.of(new ChannelPoint(1, 1000, jumped),
        new ChannelPoint(2, 500, 3)), 0, 9));
    fold.chunk(1, 6, 900, 100, null, 0, 10); // the dead holder's, seq below the jump
    fold.chunk(2, 3, 500, 100, 12L, 0, 11);
    assertThat(fold.point().channel(1)).isEqualTo(new ChannelPoint(1, 1000, jumped));
    assertThat(fold.point().channel(2)).isEqualTo(new ChannelPoint(2, 600, 4));
  }
}
