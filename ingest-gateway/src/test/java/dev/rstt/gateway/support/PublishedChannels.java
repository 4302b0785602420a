package dev.rstt.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.ChannelLabel;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.SessionStarted;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A two-channel session in omi's framing as it appears on audio.frames (docs/CONTRACT.md section 11): one
 * SessionStarted naming the channels, then each channel checked as a session of its own ({@link PublishedSession}:
 * seq from 0 without gaps, contiguous offsets, mono chunks, its own SessionEnded last).
 */
public record PublishedChannels(SessionStarted started, Map<Integer, PublishedSession> channels) {

  /** Every channel of the session ended. */
  public static boolean isEnded(List<SpecificRecord> values) {
    if (values.isEmpty() || !(values.get(0) instanceof SessionStarted s) || s.getChannelLabels() == null) {
      return false;
    }
    return values.stream().filter(SessionEnded.class::isInstance).count() == s.getChannelLabels().size();
  }

  public static PublishedChannels verify(List<ConsumerRecord<String, SpecificRecord>> records) {
    assertThat(records).as("records of the session").isNotEmpty();
    SessionStarted started = (SessionStarted) records.get(0).value();
    assertThat(started.getChannelLabels()).as("channel labels").isNotNull();
    Map<Integer, PublishedSession> channels = new LinkedHashMap<>();
    for (ChannelLabel label : started.getChannelLabels()) {
      int channel = label.getChannel();
      SessionStarted mono = SessionStarted.newBuilder(started).setChannels(1).build();
      List<ConsumerRecord<String, SpecificRecord>> own = new ArrayList<>();
      own.add(copy(records.get(0), mono));
      for (ConsumerRecord<String, SpecificRecord> r : records.subList(1, records.size())) {
        int of = r.value() instanceof AudioChunk c ? c.getChannel()
            : r.value() instanceof SessionEnded e ? e.getChannel() : -1;
        assertThat(of).as("only chunks and ends of the session's channels").isIn(1, 2);
        if (of == channel) {
          own.add(r);
        }
      }
      PublishedSession session = PublishedSession.verify(own);
      assertThat(session.chunks()).allSatisfy(c -> assertThat(c.getChannel()).isEqualTo(channel));
      channels.put(channel, session);
    }
    return new PublishedChannels(started, channels);
  }

  private static ConsumerRecord<String, SpecificRecord> copy(ConsumerRecord<String, SpecificRecord> r,
      SpecificRecord value) {
    return new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(), value);
  }
}
