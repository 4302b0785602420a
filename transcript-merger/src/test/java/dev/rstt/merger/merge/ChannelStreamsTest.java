package dev.rstt.merger.merge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.SessionUpdate;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelStreamsTest {

  private static SessionTranscript withRevision(long revision, boolean complete) {
    SessionTranscript t = SessionTranscript.restore("s", "u", revision, List.of(), List.of(), new Coverage(),
        List.of(), true, List.of(), complete, false, 0, History.Stored.NONE);
    assertThat(t.complete()).isEqualTo(complete);
    return t;
  }

  @Test
  void shouldKeyAOneChannelSessionBySessionIdAndAChannelByIdAndChannel() {
    assertThat(ChannelStreams.key("S", 0)).isEqualTo("S");
    assertThat(ChannelStreams.key("S", 1)).isEqualTo("S/1");
    assertThat(ChannelStreams.key("S", 2)).isEqualTo("S/2");
  }

  @Test
  void shouldNumberTheSessionsUpdatesByTheSumOfItsChannelsRevisionsAndCompleteOnlyWhenEveryChannelIs() {
    SessionUpdate u = SessionUpdate.newBuilder().setSessionId("s").setRevision(3).setComplete(true).build();
    SessionUpdate one = ChannelStreams.combine(u, Arrays.asList(withRevision(3, true), null));
    assertThat(one.getRevision()).isEqualTo(3);
    assertThat(one.getComplete()).as("channel 2 not seen yet").isFalse();
    SessionUpdate two = ChannelStreams.combine(u, List.of(withRevision(3, true), withRevision(1, false)));
    assertThat(two.getRevision()).isEqualTo(4);
    assertThat(two.getComplete()).isFalse();
    SessionUpdate both = ChannelStreams.combine(u, List.of(withRevision(3, true), withRevision(2, true)));
    assertThat(both.getRevision()).isEqualTo(5);
    assertThat(both.getComplete()).isTrue();
  }
}
