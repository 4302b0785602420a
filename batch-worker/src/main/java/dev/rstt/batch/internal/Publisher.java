package dev.rstt.batch.internal;

import dev.rstt.batch.session.AckKey;
import dev.rstt.batch.session.Input;
import dev.rstt.batch.session.Outbound;
import dev.rstt.common.concurrent.Inbox;
import dev.rstt.common.kafka.Outbox;
import dev.rstt.common.logging.SessionMdc;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what sessions ask to {@code transcript.events} (keyed by session id), and dead letters. Every publish
 * goes through an {@link Outbox} per session (and one for the dead letters): a failed send is sent again, in order,
 * after a back-off, until Kafka acknowledges it; only then does the session hear {@link Input.Acked} with the
 * publish's key (docs/CONTRACT.md section 3, "Publishing never gives up"). Engine thread only (producer callbacks
 * are posted to the inbox).
 */
final class Publisher {

  private static final Logger log = LoggerFactory.getLogger(Publisher.class);

  /** One record and what to do once Kafka has it. */
  private record Pending(String what, Supplier<CompletionStage<?>> send, Runnable onAck) {
  }

  private static final Object DEAD_LETTERS = new Object();

  private final String topic;
  private final RecordSender<String, SpecificRecord> events;
  private final RecordSender<Object, Object> deadLetters;
  private final OutboundRecords records;
  private final Inbox inbox;
  private final BiConsumer<SessionSlot, Input> sessions;
  private final LongSupplier nanos;
  private final BatchMetrics metrics;
  private final long backoff;
  private final long maxBackoff;
  private final Map<Object, Outbox<Pending>> outboxes = new HashMap<>();

  Publisher(String topic, RecordSender<String, SpecificRecord> events, RecordSender<Object, Object> deadLetters,
      OutboundRecords records, Inbox inbox, BiConsumer<SessionSlot, Input> sessions, LongSupplier nanos,
      BatchMetrics metrics, long backoffNanos, long maxBackoffNanos) {
    this.topic = topic;
    this.events = events;
    this.deadLetters = deadLetters;
    this.records = records;
    this.inbox = inbox;
    this.sessions = sessions;
    this.nanos = nanos;
    this.metrics = metrics;
    this.backoff = backoffNanos;
    this.maxBackoff = maxBackoffNanos;
  }

  void publish(SessionSlot slot, AckKey key, Outbound value) {
    SpecificRecord record = records.build(slot.id, slot.channel, slot.core.userId(), value);
    ProducerRecord<String, SpecificRecord> r = new ProducerRecord<>(topic, slot.id, record);
    String outcome = OutboundRecords.outcome(value);
    add(slot, new Pending(record.getSchema().getName(), () -> events.send(r), () -> {
      if (outcome != null) {
        metrics.chunk(outcome);
      }
      sessions.accept(slot, new Input.Acked(key));
    }));
  }

  /** A dead letter, sent until written; then {@code onAck}. */
  void deadLetter(ProducerRecord<Object, Object> record, Runnable onAck) {
    add(DEAD_LETTERS, new Pending("dead letter", () -> deadLetters.send(record), onAck));
  }

  /** Starts the rounds of re-sends whose back-off is over. */
  void tick() {
    long now = nanos.getAsLong();
    Iterator<Map.Entry<Object, Outbox<Pending>>> it = outboxes.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Object, Outbox<Pending>> e = it.next();
      if (e.getValue().isEmpty()) {
        it.remove();
      } else {
        send(e.getKey(), e.getValue(), e.getValue().tick(now));
      }
    }
  }

  /** Whether a publish failed and is not written yet. */
  /** True when nothing is waiting for Kafka or for a retry. */
  boolean isEmpty() {
    for (Outbox<Pending> ob : outboxes.values()) {
      if (!ob.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  boolean failing() {
    for (Outbox<Pending> ob : outboxes.values()) {
      if (ob.failing()) {
        return true;
      }
    }
    return false;
  }

  /** Forgets what a session still had to publish (its partition's next owner re-reads the records). */
  void forget(SessionSlot slot) {
    outboxes.remove(slot);
  }

  private void add(Object owner, Pending p) {
    Outbox<Pending> ob = outboxes.computeIfAbsent(owner, o -> new Outbox<>(Integer.MAX_VALUE, backoff, maxBackoff));
    send(owner, ob, ob.add(p, nanos.getAsLong()));
  }

  private void send(Object owner, Outbox<Pending> ob, List<Outbox.Entry<Pending>> entries) {
    for (Outbox.Entry<Pending> e : entries) {
      try {
        e.item.send().get().whenComplete((result, error) -> inbox.post(() -> settled(owner, ob, e, error)));
      } catch (RuntimeException error) {
        inbox.post(() -> settled(owner, ob, e, error));
      }
    }
  }

  private void settled(Object owner, Outbox<Pending> ob, Outbox.Entry<Pending> e, Throwable error) {
    if (outboxes.get(owner) != ob) {
      return; // forgotten
    }
    long now = nanos.getAsLong();
    if (error == null) {
      if (ob.failing()) {
        logged(owner, () -> log.info("Publishing to {} works again after {} failed round(s)", topic,
            ob.failedRounds()));
      }
      send(owner, ob, ob.acked(e.id, now));
      e.item.onAck().run();
      return;
    }
    metrics.publishFailure();
    boolean first = !ob.failing();
    List<Outbox.Entry<Pending>> next = ob.failed(e.id, now);
    if (first) {
      logged(owner, () -> log.warn("Publishing a {} failed ({}); {} record(s) will be sent again in order, "
          + "consumption waits meanwhile", e.item.what(), error.toString(), ob.size()));
    } else {
      log.debug("Publishing a {} failed again: {}", e.item.what(), error.toString());
    }
    send(owner, ob, next);
  }

  /** A line about a session's outbox names the session (outside any dispatched input). */
  private static void logged(Object owner, Runnable line) {
    if (owner instanceof SessionSlot slot) {
      try (SessionMdc mdc = SessionMdc.of(slot.id)) {
        line.run();
      }
    } else {
      line.run();
    }
  }
}
