package dev.rstt.merger.topology;

import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.SessionUpdate;
import dev.rstt.avro.StatusChanged;
import dev.rstt.common.kafka.DeadLetters;
import dev.rstt.common.logging.SessionMdc;
import dev.rstt.merger.MergerConfig;
import dev.rstt.merger.avro.HistoryEntry;
import dev.rstt.merger.hops.MergerHops;
import dev.rstt.merger.merge.ChannelStreams;
import dev.rstt.merger.merge.Closing;
import dev.rstt.merger.merge.InvalidEventException;
import dev.rstt.merger.merge.Segment;
import dev.rstt.merger.merge.SessionTranscript;
import dev.rstt.merger.merge.StatusRecord;
import dev.rstt.merger.store.HistoryEntrySerde;
import dev.rstt.merger.store.HistoryKeys;
import dev.rstt.schemas.Channels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies each {@code transcript.events} record to its session's {@link SessionTranscript}, in partition order,
 * and forwards the resulting {@link SessionUpdate} at once, so a status leaves after every segment that precedes
 * it in the partition. Undecodable or contract-violating records go to the dead-letter sink with their
 * coordinates, inside the same exactly-once transaction. A wall-clock punctuator deletes expired sessions.
 */
final class SessionMergeProcessor implements Processor<String, Inbound, String, Object> {

  private static final Logger log = LoggerFactory.getLogger(SessionMergeProcessor.class);
  static final String METRIC_UPDATES = "rstt.merger.updates";
  static final String METRIC_EXPIRED = "rstt.merger.sessions.expired";
  static final String METRIC_DUPLICATE_WORDS = "rstt.merger.words.deduplicated";
  static final String METRIC_REDELIVERED = "rstt.merger.records.redelivered";
  static final String METRIC_WORDS = "rstt.merger.words";
  static final String METRIC_REPLACED_WORDS = "rstt.merger.words.replaced";
  static final String METRIC_LATE_WORDS = "rstt.merger.words.late";
  static final String METRIC_CLOSED_SEGMENTS = "rstt.merger.segments.closed";

  private final MergerConfig config;
  private final MeterRegistry meters;
  private final MergerHops hops;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, SessionTranscript> transcripts;
  private KeyValueStore<String, Long> expiry;
  private KeyValueStore<String, HistoryEntry> history;

  SessionMergeProcessor(MergerConfig config, MeterRegistry meters) {
    this.config = config;
    this.meters = meters;
    this.hops = new MergerHops(meters);
    words("live");
    words("batch");
  }

  /** Words merged into transcripts (duplicates and redeliveries excluded), by the mode that transcribed them. */
  private Counter words(String mode) {
    return Counter.builder(METRIC_WORDS).description("Words merged into transcripts, by live or batch mode")
        .tag("mode", mode).register(meters);
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.transcripts = context.getStateStore(MergerTopology.TRANSCRIPTS_STORE);
    this.expiry = context.getStateStore(MergerTopology.EXPIRY_STORE);
    this.history = context.getStateStore(MergerTopology.HISTORY_STORE);
    context.schedule(config.expiryInterval(), PunctuationType.WALL_CLOCK_TIME, this::expire);
  }

  @Override
  public void process(Record<String, Inbound> record) {
    Inbound value = record.value();
    if (value instanceof Inbound.Undecodable bad) {
      deadLetter(record, bad.raw(), bad.error());
      return;
    }
    String sessionId = record.key();
    if (sessionId == null || sessionId.isBlank()) {
      deadLetter(record, value.raw(), new InvalidEventException("Record without a session id key"));
      return;
    }
    SpecificRecord event = ((Inbound.Decoded) value).record();
    int channel = event instanceof SegmentsProduced p ? p.getChannel()
        : event instanceof StatusChanged c ? c.getChannel() : Channels.ONLY;
    // a multi-channel session's channel is its own transcript, under its own key (docs/CONTRACT.md section 11)
    String key = ChannelStreams.key(sessionId, channel);
    try (SessionMdc mdc = SessionMdc.of(sessionId)) {
      long now = context.currentSystemTimeMs();
      SessionTranscript stored = transcripts.get(key);
      SessionTranscript transcript = stored != null ? stored : new SessionTranscript(sessionId);
      Optional<SessionUpdate> update;
      try {
        if (event instanceof SegmentsProduced produced) {
          update = transcript.apply(produced, now);
        } else if (event instanceof StatusChanged status) {
          update = transcript.apply(status, now);
        } else {
          throw new InvalidEventException("Unexpected record type " + event.getClass().getSimpleName());
        }
      } catch (RuntimeException e) {
        // The transcript was never written back, so the state is as before this record.
        deadLetter(record, value.raw(), e);
        return;
      }
      if (stored == null) {
        log.info("Session opened (first event applied)");
      }
      if (transcript.droppedWords() > 0) {
        Counter.builder(METRIC_DUPLICATE_WORDS)
            .description("Words dropped on arrival because a better copy of them was already accepted")
            .register(meters).increment(transcript.droppedWords());
      }
      transcript.replacedCopies().forEach((reason, n) -> Counter.builder(METRIC_REPLACED_WORDS)
          .description("Accepted words replaced by a better copy that arrived later")
          .tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT)).register(meters).increment(n));
      if (transcript.ignoredRedeliveries() > 0) {
        Counter.builder(METRIC_REDELIVERED).description("Results ignored because (stt_session, seq) was applied")
            .register(meters).increment(transcript.ignoredRedeliveries());
      }
      if (event instanceof SegmentsProduced produced && transcript.ignoredRedeliveries() == 0) {
        long received = produced.getSegments().stream().mapToLong(s -> s.getWords().size()).sum();
        words(String.valueOf(produced.getMode())).increment(Math.max(0, received - transcript.droppedWords()));
      }
      if (transcript.lateWords() > 0) {
        Counter.builder(METRIC_LATE_WORDS).description("Words that arrived from before the open tail")
            .register(meters).increment(transcript.lateWords());
      }
      // What closed is written before the tail, so a transcript read that sees the tail finds it.
      writeClosed(key, transcript.close(config.tailHorizon()));
      transcripts.put(key, transcript);
      Long deadline = now + (transcript.complete() ? config.retention() : config.abandonedRetention()).toMillis();
      expiry.put(key, deadline);
      if (Channels.multi(channel)) {
        update = update.map(u -> ChannelStreams.combine(u, ChannelStreams.MULTI.stream()
            .map(c -> transcripts.get(ChannelStreams.key(sessionId, c))).toList()));
      }
      update.ifPresent(u -> {
        // stamped with the wall clock of its making, where the gateway's hop starts (docs/CONTRACT.md 6)
        long forwardedAt = System.currentTimeMillis();
        context.forward(new Record<String, Object>(sessionId, u, forwardedAt), MergerTopology.UPDATES_SINK);
        hops.processed(record.timestamp(), forwardedAt);
        Counter.builder(METRIC_UPDATES).description("SessionUpdates emitted").register(meters).increment();
      });
    }
  }

  /**
   * Writes what left the open tail to the history store, once (docs/CONTRACT.md section 6.8); {@code sessionId} is
   * the transcript's store key (a channel's, for a multi-channel session).
   */
  private void writeClosed(String sessionId, Closing closing) {
    if (closing.isEmpty()) {
      return;
    }
    for (Closing.Closed<Segment> c : closing.segments()) {
      history.put(HistoryKeys.segment(sessionId, c.position()), HistoryEntrySerde.of(c.item()));
      history.put(HistoryKeys.index(sessionId, c.item().id()), HistoryEntrySerde.position(c.position()));
    }
    for (Closing.Closed<StatusRecord> c : closing.statuses()) {
      history.put(HistoryKeys.status(sessionId, c.position()), HistoryEntrySerde.of(c.item()));
    }
    for (long position : closing.droppedStatuses()) {
      history.delete(HistoryKeys.status(sessionId, position));
    }
    if (!closing.segments().isEmpty()) {
      Counter.builder(METRIC_CLOSED_SEGMENTS).description("Segments closed and moved to the history store")
          .register(meters).increment(closing.segments().size());
    }
    log.debug("Closed {} segments, {} statuses; forgot {} stt_sessions", closing.segments().size(),
        closing.statuses().size(), closing.retiredSttSessions().size());
  }

  private void deadLetter(Record<String, Inbound> record, byte[] raw, Throwable error) {
    Optional<RecordMetadata> origin = context.recordMetadata();
    String topic = origin.map(RecordMetadata::topic).orElse("unknown");
    int partition = origin.map(RecordMetadata::partition).orElse(-1);
    long offset = origin.map(RecordMetadata::offset).orElse(-1L);
    DeadLetters.report(meters, topic, partition, offset, error);
    Headers headers = DeadLetters.addHeaders(new RecordHeaders(record.headers().toArray()), topic, partition, offset,
        error);
    context.forward(new Record<String, Object>(record.key(), raw, record.timestamp(), headers),
        MergerTopology.DLT_SINK);
  }

  /** Deletes sessions whose expiry deadline has passed (wall clock). */
  private void expire(long now) {
    List<String> due = new ArrayList<>();
    try (KeyValueIterator<String, Long> all = expiry.all()) {
      while (all.hasNext()) {
        KeyValue<String, Long> entry = all.next();
        if (entry.value != null && entry.value <= now) {
          due.add(entry.key);
        }
      }
    }
    for (String sessionId : due) {
      try (SessionMdc mdc = SessionMdc.of(sessionId)) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, HistoryEntry> entries =
            history.range(HistoryKeys.first(sessionId), HistoryKeys.last(sessionId))) {
          entries.forEachRemaining(e -> keys.add(e.key));
        }
        keys.forEach(history::delete);
        transcripts.delete(sessionId);
        expiry.delete(sessionId);
        log.info("Session expired; state deleted");
        Counter.builder(METRIC_EXPIRED).description("Sessions whose state expired").register(meters).increment();
      }
    }
  }
}
