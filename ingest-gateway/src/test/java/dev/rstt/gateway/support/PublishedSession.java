package dev.rstt.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.SessionStarted;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One session as it appears on audio.frames, checked against the contract: SessionStarted first, AudioChunks
 * with seq 0.. without gaps and contiguous offsets, each self-describing, SessionEnded last and only once.
 */
public record PublishedSession(SessionStarted started, List<AudioChunk> chunks, SessionEnded ended, byte[] pcm) {

  public static boolean isEnded(List<SpecificRecord> values) {
    return !values.isEmpty() && values.get(values.size() - 1) instanceof SessionEnded;
  }

  public static PublishedSession verify(List<ConsumerRecord<String, SpecificRecord>> records) {
    assertThat(records).as("records of the session").isNotEmpty();
    int partition = records.get(0).partition();
    assertThat(records).allSatisfy(r -> assertThat(r.partition()).isEqualTo(partition));
    List<SpecificRecord> values = records.stream().map(ConsumerRecord::value).toList();
    assertThat(values.get(0)).isInstanceOf(SessionStarted.class);
    SessionStarted started = (SessionStarted) values.get(0);
    assertThat(values.get(values.size() - 1)).isInstanceOf(SessionEnded.class);
    SessionEnded ended = (SessionEnded) values.get(values.size() - 1);
    List<AudioChunk> chunks = new ArrayList<>();
    ByteArrayOutputStream pcm = new ByteArrayOutputStream();
    long offset = 0;
    for (SpecificRecord value : values.subList(1, values.size() - 1)) {
      assertThat(value).as("only AudioChunks between SessionStarted and SessionEnded").isInstanceOf(AudioChunk.class);
      AudioChunk chunk = (AudioChunk) value;
      assertThat(chunk.getSeq()).as("seq without gaps or repeats").isEqualTo(chunks.size());
      assertThat(chunk.getOffsetSamples()).as("contiguous offsets").isEqualTo(offset);
      assertThat(chunk.getSessionId()).isEqualTo(started.getSessionId());
      assertThat(chunk.getUserId()).isEqualTo(started.getUserId());
      assertThat(chunk.getSampleRate()).isEqualTo(started.getSampleRate());
      assertThat(chunk.getChannels()).isEqualTo(started.getChannels());
      assertThat(chunk.getLanguage()).isEqualTo(started.getLanguage());
      assertThat(chunk.getReceivedAtMs()).isNotNull().isGreaterThanOrEqualTo(started.getStartedAtMs());
      ByteBuffer buffer = chunk.getPcm().duplicate();
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      assertThat(bytes.length % (2 * chunk.getChannels())).as("whole sample frames").isZero();
      assertThat(bytes.length).isPositive();
      pcm.writeBytes(bytes);
      offset += bytes.length / (2 * chunk.getChannels());
      chunks.add(chunk);
    }
    assertThat(ended.getLastSeq()).isEqualTo(chunks.size() - 1);
    assertThat(ended.getEndOffsetSamples()).isEqualTo(offset);
    assertThat(ended.getSampleRate()).isEqualTo(started.getSampleRate());
    assertThat(ended.getUserId()).isEqualTo(started.getUserId());
    return new PublishedSession(started, chunks, ended, pcm.toByteArray());
  }

  public long maxChunkFrames() {
    return chunks.stream().mapToLong(c -> c.getPcm().remaining() / (2L * c.getChannels())).max().orElse(0);
  }
}
