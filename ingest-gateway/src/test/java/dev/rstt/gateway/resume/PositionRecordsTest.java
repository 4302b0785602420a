package dev.rstt.gateway.resume;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.SessionPosition;
import dev.rstt.gateway.audio.AudioFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class PositionRecordsTest {

  @Test
  void aTwoChannelPositionCarriesEveryChannelsNumbers() {
    ResumePoint point = ResumePoint.ofChannels(40, List.of(new ChannelPoint(1, 6400, 9), new ChannelPoint(2, 3200, 5)),
        2, 77);
    SessionPosition p = PositionRecords.of("01S", "alice", new AudioFormat("en", 16000, AudioFormat.Codec.OPUS, 2),
        "gw-1", 0, PositionStates.ATTACHED, null, point, null, 1000);
    assertThat(p.getChannelPositions()).hasSize(2);
    assertThat(p.getOffsetSamples()).as("the top-level numbers are the first channel's").isEqualTo(6400);
    assertThat(PositionRecords.pointOf(p)).isEqualTo(point);
  }

  @Test
  void aOneChannelPositionHasNoChannelPositions() {
    ResumePoint point = new ResumePoint(40, 6400, 9, 2, 77);
    SessionPosition p = PositionRecords.of("01S", "alice", new AudioFormat("en", 16000, AudioFormat.Codec.PCM16, 1),
        "gw-1", 0, PositionStates.ATTACHED, null, point, null, 1000);
    assertThat(p.getChannelPositions()).isNull();
    assertThat(PositionRecords.pointOf(p)).isEqualTo(point);
  }
}
