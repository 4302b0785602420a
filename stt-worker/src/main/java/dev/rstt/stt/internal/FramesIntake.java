package dev.rstt.stt.internal;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.SessionStarted;
import dev.rstt.common.kafka.DeadLetters;
import dev.rstt.stt.session.Input;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each record read from audio.frames: tracked for the commit rule, decoded and checked, then handed to its
 * session. An undecodable or invalid record goes to {@code audio.frames-dlt} (WARN with its coordinates and a
 * metric, never its bytes in a log) and is done once that is acknowledged.
 */
final class FramesIntake {

  private static final Logger log = LoggerFactory.getLogger(FramesIntake.class);

  private final Deserializer<SpecificRecord> deserializer;
  private final Commits commits;
  private final Sessions sessions;
  private final Producer<String, byte[]> deadLetters;
  private final MeterRegistry meters;
  private final Inbox inbox;

  FramesIntake(Deserializer<SpecificRecord> deserializer, Commits commits, Sessions sessions,
      Producer<String, byte[]> deadLetters, MeterRegistry meters, Inbox inbox) {
    this.deserializer = deserializer;
    this.commits = commits;
    this.sessions = sessions;
    this.deadLetters = deadLetters;
    this.meters = meters;
    this.inbox = inbox;
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
      sessions.onRecord(tp, started.getSessionId(), new Input.Started(started, tracked));
    } else if (value instanceof AudioChunk chunk) {
      sessions.onRecord(tp, chunk.getSessionId(), new Input.Chunk(chunk, tracked));
    } else if (value instanceof SessionEnded ended) {
      sessions.onRecord(tp, ended.getSessionId(), new Input.Ended(ended, tracked));
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
          || c.getOffsetSamples() < 0 || c.getSeq() < 0 || c.getPcm().remaining() % (2 * c.getChannels()) != 0) {
        throw new IllegalArgumentException("Invalid AudioChunk: rate " + c.getSampleRate() + ", channels "
            + c.getChannels() + ", offset " + c.getOffsetSamples() + ", seq " + c.getSeq() + ", "
            + c.getPcm().remaining() + " bytes");
      }
    }
  }

  private void deadLetter(ConsumerRecord<String, byte[]> r, Exception e, PartitionProgress.Tracked tracked) {
    DeadLetters.report(meters, r.topic(), r.partition(), r.offset(), e);
    deadLetters.send(DeadLetters.record(r, e), (md, error) -> inbox.post(() -> {
      if (error == null) {
        tracked.markDone();
      } else {
        log.error("Cannot dead-letter {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), error.toString());
      }
    }));
  }
}
