package dev.rstt.stt.internal;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.ChannelLabel;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.SessionStarted;
import dev.rstt.common.kafka.DeadLetters;
import dev.rstt.schemas.Channels;
import dev.rstt.stt.session.Input;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Each record read from audio.frames: tracked for the commit rule, decoded and checked, then handed to its
 * session. An undecodable or invalid record goes to {@code audio.frames-dlt} (WARN with its coordinates and a
 * metric, never its bytes in a log) and is done once that is written (sent again until it is).
 */
final class FramesIntake {

  private final Deserializer<SpecificRecord> deserializer;
  private final Commits commits;
  private final Sessions sessions;
  private final Publisher publisher;
  private final MeterRegistry meters;
  private final SttHops hops;

  FramesIntake(Deserializer<SpecificRecord> deserializer, Commits commits, Sessions sessions, Publisher publisher,
      MeterRegistry meters, SttHops hops) {
    this.hops = hops;
    this.deserializer = deserializer;
    this.commits = commits;
    this.sessions = sessions;
    this.publisher = publisher;
    this.meters = meters;
  }

  void onRecord(ConsumerRecord<String, byte[]> r) {
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    PartitionProgress.Tracked tracked = commits.progress(tp).track(r.offset());
    SpecificRecord value;
    try {
      value = deserializer.deserialize(r.topic(), r.headers(), r.value());
      validate(value);
    } catch (RuntimeException e) {
      deadLetter(r, e, tracked);
      return;
    }
    if (value instanceof SessionStarted started) {
      // a multi-channel session's start is every channel's (docs/CONTRACT.md section 11)
      List<Integer> channels = started.getChannelLabels() == null ? List.of(Channels.ONLY)
          : started.getChannelLabels().stream().map(ChannelLabel::getChannel).toList();
      for (int channel : channels) {
        sessions.onRecord(tp, started.getSessionId(), channel, new Input.Started(started, tracked));
      }
    } else if (value instanceof AudioChunk chunk) {
      hops.read(chunk, r.timestamp());
      sessions.onRecord(tp, chunk.getSessionId(), chunk.getChannel(), new Input.Chunk(chunk, tracked));
    } else if (value instanceof SessionEnded ended) {
      sessions.onRecord(tp, ended.getSessionId(), ended.getChannel(), new Input.Ended(ended, tracked));
    } else {
      deadLetter(r, new IllegalArgumentException("Unexpected record type " + value.getClass().getSimpleName()),
          tracked);
    }
  }

  static void validate(SpecificRecord value) {
    if (value == null) {
      throw new IllegalArgumentException("null value");
    }
    if (value instanceof AudioChunk c) {
      if (c.getSampleRate() < 4000 || c.getSampleRate() > 192000 || c.getChannels() < 1 || c.getChannels() > 8
          || c.getChannel() < 0 || c.getOffsetSamples() < 0 || c.getSeq() < 0 || c.getPcm().remaining() % (2 * c.getChannels()) != 0) {
        throw new IllegalArgumentException("Invalid AudioChunk: rate " + c.getSampleRate() + ", channels "
            + c.getChannels() + ", offset " + c.getOffsetSamples() + ", seq " + c.getSeq() + ", "
            + c.getPcm().remaining() + " bytes");
      }
    }
  }

  private void deadLetter(ConsumerRecord<String, byte[]> r, Exception e, PartitionProgress.Tracked tracked) {
    DeadLetters.report(meters, r.topic(), r.partition(), r.offset(), e);
    publisher.deadLetter(DeadLetters.record(r, e), tracked::markDone);
  }
}
