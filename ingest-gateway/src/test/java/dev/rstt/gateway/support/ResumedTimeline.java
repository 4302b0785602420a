package dev.rstt.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.SessionStarted;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A session's audio as the STT worker reads it after a take-over between gateways (docs/CONTRACT.md section 10): in
 * partition order, a chunk whose seq is not above the last one taken is a redelivery, and audio before the end of
 * the timeline received so far is a repeat (dropped, or the chunk trimmed). What is left must be gap-free.
 */
public record ResumedTimeline(SessionStarted started, SessionEnded ended, byte[] pcm, int chunks, long repeatedSamples) {

  /**
   * Channel {@code channel} of a multi-channel session (docs/CONTRACT.md section 11): the session's SessionStarted,
   * then that channel's chunks and SessionEnded, read as a stream of its own (the STT worker keeps one per channel).
   */
  public static ResumedTimeline channel(List<ConsumerRecord<String, SpecificRecord>> records, int channel) {
    List<ConsumerRecord<String, SpecificRecord>> own = new java.util.ArrayList<>();
    for (ConsumerRecord<String, SpecificRecord> r : records) {
      SpecificRecord v = r.value();
      if (v instanceof SessionStarted s) {
        own.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(),
            SessionStarted.newBuilder(s).setChannels(1).build()));
      } else if (v instanceof AudioChunk c ? c.getChannel() == channel
          : v instanceof SessionEnded e && e.getChannel() == channel) {
        own.add(r);
      }
    }
    return read(own);
  }

  public static ResumedTimeline read(List<ConsumerRecord<String, SpecificRecord>> records) {
    List<SpecificRecord> values = records.stream().map(ConsumerRecord::value).toList();
    assertThat(values.get(0)).isInstanceOf(SessionStarted.class);
    assertThat(values.get(values.size() - 1)).isInstanceOf(SessionEnded.class);
    assertThat(values.stream().filter(v -> v instanceof SessionStarted)).as("one SessionStarted").hasSize(1);
    assertThat(values.stream().filter(v -> v instanceof SessionEnded)).as("one SessionEnded").hasSize(1);
    ByteArrayOutputStream pcm = new ByteArrayOutputStream();
    long end = 0;
    long lastSeq = -1;
    long repeated = 0;
    int chunks = 0;
    for (SpecificRecord value : values.subList(1, values.size() - 1)) {
      assertThat(value).isInstanceOf(AudioChunk.class);
      AudioChunk c = (AudioChunk) value;
      ByteBuffer buffer = c.getPcm().duplicate();
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      long frames = bytes.length / 2L / c.getChannels();
      if (c.getSeq() <= lastSeq) {
        continue;
      }
      lastSeq = c.getSeq();
      assertThat(c.getOffsetSamples()).as("no gap on the timeline before seq %d", c.getSeq()).isLessThanOrEqualTo(end);
      long skip = Math.min(frames, end - c.getOffsetSamples());
      repeated += skip;
      pcm.write(bytes, (int) (skip * 2 * c.getChannels()), (int) ((frames - skip) * 2 * c.getChannels()));
      end = Math.max(end, c.getOffsetSamples() + frames);
      chunks++;
    }
    SessionEnded ended = (SessionEnded) values.get(values.size() - 1);
    assertThat(ended.getEndOffsetSamples()).as("SessionEnded at the end of the timeline").isEqualTo(end);
    return new ResumedTimeline((SessionStarted) values.get(0), ended, pcm.toByteArray(), chunks, repeated);
  }
}
