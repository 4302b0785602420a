package dev.rstt.gateway.resume;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DurableLedgerTest {

  @Test
  void movesOnlyOverAnAcknowledgedPrefix() {
    DurableLedger ledger = new DurableLedger(ResumePoint.START);
    ledger.published(0, 3L, 300);
    ledger.published(1, 5L, 500);
    ledger.published(2, 9L, 900);

    assertThat(ledger.acked(1, 0, 11)).as("seq 0 is not acknowledged yet").isFalse();
    assertThat(ledger.durable().frames()).isZero();
    assertThat(ledger.acked(2, 0, 12)).isFalse();
    assertThat(ledger.durable().frames()).isZero();

    assertThat(ledger.acked(0, 0, 10)).as("the gap closes: everything up to seq 2 is durable").isTrue();
    assertThat(ledger.durable()).isEqualTo(new ResumePoint(9, 900, 3, 0, 12));
    assertThat(ledger.outstanding()).isZero();
  }

  @Test
  void anUncleanChunkEndIsNotAResumePoint() {
    DurableLedger ledger = new DurableLedger(ResumePoint.START);
    ledger.published(0, 4L, 400);
    ledger.published(1, null, 650); // the decoder held bytes back after its last message
    ledger.acked(0, 2, 5);
    assertThat(ledger.acked(1, 2, 6)).isFalse();
    assertThat(ledger.durable()).as("stays at the last clean boundary").isEqualTo(new ResumePoint(4, 400, 1, 2, 5));

    ledger.published(2, 7L, 800);
    assertThat(ledger.acked(2, 2, 7)).isTrue();
    assertThat(ledger.durable()).isEqualTo(new ResumePoint(7, 800, 3, 2, 7));
  }

  @Test
  void aResumedSessionStartsAtItsPointAndNeverMovesBack() {
    ResumePoint start = new ResumePoint(20, 2000, 7, 1, 40);
    DurableLedger ledger = new DurableLedger(start);
    assertThat(ledger.durable()).isEqualTo(start);
    ledger.published(7, 25L, 2500);
    ledger.acked(7, 1, 44);
    assertThat(ledger.durable().frames()).isEqualTo(25);
  }

  @Test
  void sessionStartedPlacesThePointWhileNoChunkIsOutstanding() {
    DurableLedger ledger = new DurableLedger(ResumePoint.START);
    ledger.recordAcked(1, 17);
    assertThat(ledger.durable()).isEqualTo(new ResumePoint(0, 0, 0, 1, 17));
    ledger.published(0, 1L, 100);
    ledger.recordAcked(1, 30); // a chunk is outstanding: a scan must start before it
    assertThat(ledger.durable().audioOffset()).isEqualTo(17);
  }

  /**
   * A two-channel session: both channels' chunks in one ledger, named by channel and seq (each channel's seq starts
   * at 0), the cut's numbers on its last chunk. Channel 2's seq 0 acknowledged says nothing about channel 1's seq 0
   * (keyed by seq alone, it marked channel 1's chunk and moved the position ahead of Kafka).
   */
  @Test
  void aCutOfTwoChannelsIsDurableOnlyOnceEveryChannelsChunksAre() {
    List<ChannelPoint> start = List.of(new ChannelPoint(1, 0, 0), new ChannelPoint(2, 0, 0));
    DurableLedger ledger = new DurableLedger(ResumePoint.ofChannels(0, start, -1, -1));
    List<ChannelPoint> first = List.of(new ChannelPoint(1, 1600, 1), new ChannelPoint(2, 800, 1));
    ledger.published(1, 0, null, first);
    ledger.published(2, 0, 6L, first);
    List<ChannelPoint> second = List.of(new ChannelPoint(1, 1600, 1), new ChannelPoint(2, 2400, 2));
    ledger.published(2, 1, 9L, second); // a cut where only channel 2 had audio

    assertThat(ledger.acked(2, 0, 3, 11)).as("channel 2's seq 0, not channel 1's").isFalse();
    assertThat(ledger.acked(2, 1, 3, 12)).isFalse();
    assertThat(ledger.durable().frames()).isZero();
    assertThat(ledger.acked(1, 0, 3, 10)).isTrue();
    assertThat(ledger.durable()).isEqualTo(ResumePoint.ofChannels(9, second, 3, 12));
    assertThat(ledger.durable().offsetSamples()).as("the first channel's numbers at the top").isEqualTo(1600);
  }

  @Test
  void aChunkThatIsNotTheLastOfItsCutIsNoResumePoint() {
    List<ChannelPoint> start = List.of(new ChannelPoint(1, 0, 0), new ChannelPoint(2, 0, 0));
    DurableLedger ledger = new DurableLedger(ResumePoint.ofChannels(0, start, 0, 5));
    ledger.published(1, 0, null, List.of());
    assertThat(ledger.acked(1, 0, 0, 6)).isFalse();
    assertThat(ledger.durable().frames()).isZero();
    assertThat(ledger.durable().channels()).isEqualTo(start);
  }
}
