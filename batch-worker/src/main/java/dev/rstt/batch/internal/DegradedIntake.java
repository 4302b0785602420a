package dev.rstt.batch.internal;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.LiveResumed;
import dev.rstt.avro.SessionEnded;
import dev.rstt.batch.session.Input;
import dev.rstt.common.kafka.DeadLetters;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Each record read from {@code audio.degraded}: decoded and checked, tracked for the commit rule, handed to its
 * session. An undecodable or invalid record goes to {@code audio.degraded-dlt} (WARN with its coordinates and a
 * metric, never its bytes in a log) and is done once that is written. Audio that would take the held audio over
 * the memory cap is left in Kafka: the partition is sought back to it and consumption pauses.
 */
final class DegradedIntake {

  private final Deserializer<SpecificRecord> deserializer;
  private final Commits commits;
  private final Sessions sessions;
  private final Publisher publisher;
  private final ConsumptionGate gate;
  private final MeterRegistry meters;
  private final Clock clock;

  DegradedIntake(Deserializer<SpecificRecord> deserializer, Commits commits, Sessions sessions, Publisher publisher,
      ConsumptionGate gate, MeterRegistry meters, Clock clock) {
    this.deserializer = deserializer;
    this.commits = commits;
    this.sessions = sessions;
    this.publisher = publisher;
    this.gate = gate;
    this.meters = meters;
    this.clock = clock;
  }

  void onRecords(TopicPartition tp, List<ConsumerRecord<String, byte[]>> records) {
    PartitionLedger ledger = commits.ledger(tp);
    if (ledger == null) {
      return; // revoked in this very poll
    }
    for (ConsumerRecord<String, byte[]> r : records) {
      if (r.value() == null) {
        ledger.track(r.offset(), clock.millis()).markDone(); // a tombstone: nothing to do
        continue;
      }
      SpecificRecord value;
      try {
        value = deserializer.deserialize(r.topic(), r.headers(), r.value());
        validate(value);
      } catch (RuntimeException e) {
        deadLetter(ledger, r, e);
        continue;
      }
      if (value instanceof AudioChunk audio) {
        if (!gate.admits(audio.getPcm().remaining())) {
          gate.seekBack(tp, r.offset()); // at the memory cap: this record and the rest stay in Kafka
          return;
        }
        sessions.onRecord(tp, audio.getSessionId(), audio.getChannel(), new Input.Audio(audio, track(ledger, r)));
      } else if (value instanceof LiveResumed resumed) {
        sessions.onRecord(tp, resumed.getSessionId(), resumed.getChannel(), new Input.Resumed(resumed, track(ledger, r)));
      } else if (value instanceof SessionEnded ended) {
        sessions.onRecord(tp, ended.getSessionId(), ended.getChannel(), new Input.Ended(ended, track(ledger, r)));
      } else {
        deadLetter(ledger, r, new IllegalArgumentException("Unexpected record type "
            + value.getClass().getSimpleName()));
      }
    }
  }

  /** Rejects what the session rules cannot handle: a bad audio format, negative offsets, a torn frame. */
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
    } else if (value instanceof LiveResumed l && l.getResumeOffsetSamples() < 0) {
      throw new IllegalArgumentException("Invalid LiveResumed: resume offset " + l.getResumeOffsetSamples());
    } else if (value instanceof SessionEnded e && e.getEndOffsetSamples() < 0) {
      throw new IllegalArgumentException("Invalid SessionEnded: end offset " + e.getEndOffsetSamples());
    }
  }

  private PartitionLedger.Tracked track(PartitionLedger ledger, ConsumerRecord<String, byte[]> r) {
    return ledger.track(r.offset(), clock.millis());
  }

  private void deadLetter(PartitionLedger ledger, ConsumerRecord<String, byte[]> r, Exception e) {
    DeadLetters.report(meters, r.topic(), r.partition(), r.offset(), e);
    PartitionLedger.Tracked tracked = track(ledger, r);
    publisher.deadLetter(DeadLetters.record(r, e), tracked::markDone);
  }
}
