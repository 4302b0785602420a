package dev.rstt.stt.internal;

import dev.rstt.common.concurrent.Inbox;
import dev.rstt.common.kafka.Outbox;
import dev.rstt.common.logging.SessionMdc;
import dev.rstt.schemas.Topics;
import dev.rstt.stt.config.SttProperties;
import dev.rstt.stt.session.AckKey;
import dev.rstt.stt.session.Input;
import dev.rstt.stt.session.Outbound;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what sessions ask to transcript.events or audio.degraded (keyed by session id), and dead letters.
 * Every publish goes through an {@link Outbox} per session and topic: a failed send is sent again, in order, after
 * a back-off, until Kafka acknowledges it; only then does the session hear {@link Input.Acked} with the publish's
 * key. Records of one session reach audio.degraded one at a time, so a retry can never land after a later chunk.
 * Engine thread only (producer callbacks are posted to the inbox).
 */
final class Publisher {

  private static final Logger log = LoggerFactory.getLogger(Publisher.class);

  /** One record and what to do once Kafka has it. */
  private record Pending(Producer<String, ?> producer, ProducerRecord<String, ?> record, Runnable onAck) {
  }

  /** Whose outbox: a session's on one topic, or the dead letters'. */
  private record Owner(SessionSlot slot, String topic) {
  }

  private final Topics topics;
  private final Producer<String, SpecificRecord> degraded;
  private final Producer<String, SpecificRecord> events;
  private final Producer<String, byte[]> deadLetters;
  private final OutboundRecords records;
  private final Inbox inbox;
  private final BiConsumer<SessionSlot, Input> sessions;
  private final LongSupplier nanos;
  private final EngineMetrics metrics;
  private final SttHops hops;
  private final long backoff;
  private final long maxBackoff;
  private final long stall;
  private final Map<Owner, Outbox<Pending>> outboxes = new HashMap<>();

  Publisher(SttProperties props, Topics topics, Producer<String, SpecificRecord> degraded,
      Producer<String, SpecificRecord> events, Producer<String, byte[]> deadLetters, OutboundRecords records,
      Inbox inbox, BiConsumer<SessionSlot, Input> sessions, LongSupplier nanos, EngineMetrics metrics,
      SttHops hops) {
    this.hops = hops;
    this.topics = topics;
    this.degraded = degraded;
    this.events = events;
    this.deadLetters = deadLetters;
    this.records = records;
    this.inbox = inbox;
    this.sessions = sessions;
    this.nanos = nanos;
    this.metrics = metrics;
    this.backoff = props.publishRetryBackoff().toNanos();
    this.maxBackoff = props.publishRetryMaxBackoff().toNanos();
    this.stall = props.publishStall().toNanos();
  }

  void publish(SessionSlot slot, AckKey key, Outbound value) {
    SpecificRecord record = records.build(slot.id, slot.channel, slot.core.userId(), slot.core.sampleRate(), value);
    if (value instanceof Outbound.Status st) {
      log.info("Status {}{}", st.status(), st.metadata().isEmpty() ? "" : " " + st.metadata());
    }
    boolean toDegraded = value.degradedTopic();
    String topic = toDegraded ? topics.audioDegraded().name() : topics.transcriptEvents().name();
    long finalAt = value instanceof Outbound.Segments s ? s.result().receivedAtNanos() : -1;
    Pending p = new Pending(toDegraded ? degraded : events, new ProducerRecord<>(topic, slot.id, record), () -> {
      hops.segmentsAcked(finalAt);
      sessions.accept(slot, new Input.Acked(key));
    });
    // audio.degraded one at a time per session: the batch path reads a session's audio strictly in order
    add(new Owner(slot, topic), toDegraded ? 1 : Integer.MAX_VALUE, p);
  }

  /** A dead letter, sent until written; then {@code onAck}. */
  void deadLetter(ProducerRecord<String, byte[]> record, Runnable onAck) {
    add(new Owner(null, record.topic()), Integer.MAX_VALUE, new Pending(deadLetters, record, onAck));
  }

  /** Starts the rounds of re-sends whose back-off is over. */
  void tick() {
    long now = nanos.getAsLong();
    int failing = 0;
    Iterator<Map.Entry<Owner, Outbox<Pending>>> it = outboxes.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Owner, Outbox<Pending>> e = it.next();
      Outbox<Pending> ob = e.getValue();
      if (ob.isEmpty()) {
        it.remove();
        continue;
      }
      send(e.getKey(), ob, ob.tick(now));
      if (ob.failing()) {
        failing++;
      }
    }
    metrics.failingOutboxes.set(failing);
  }

  /**
   * Whether consumption should wait: a publish failed and is not written yet, or one has waited for Kafka longer
   * than publish-stall.
   */
  boolean holdsBack() {
    long now = nanos.getAsLong();
    for (Outbox<Pending> ob : outboxes.values()) {
      long since = ob.oldestInFlightSince();
      if (ob.failing() || (since >= 0 && now - since >= stall)) {
        return true;
      }
    }
    return false;
  }

  /** True when nothing is waiting for Kafka or for a retry. */
  boolean isEmpty() {
    for (Outbox<Pending> ob : outboxes.values()) {
      if (!ob.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** Forgets what a dropped session still had to publish (the partition's next owner re-reads it). */
  void forget(SessionSlot slot) {
    outboxes.keySet().removeIf(owner -> owner.slot() == slot);
  }

  private void add(Owner owner, int window, Pending p) {
    Outbox<Pending> ob = outboxes.computeIfAbsent(owner, o -> new Outbox<>(window, backoff, maxBackoff));
    send(owner, ob, ob.add(p, nanos.getAsLong()));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void send(Owner owner, Outbox<Pending> ob, List<Outbox.Entry<Pending>> entries) {
    for (Outbox.Entry<Pending> e : entries) {
      Pending p = e.item;
      try {
        ((Producer) p.producer()).send(p.record(), (metadata, error) ->
            inbox.post(() -> settled(owner, ob, e, (Exception) error)));
      } catch (RuntimeException error) {
        inbox.post(() -> settled(owner, ob, e, error));
      }
    }
  }

  private void settled(Owner owner, Outbox<Pending> ob, Outbox.Entry<Pending> e, Exception error) {
    if (outboxes.get(owner) != ob) {
      return; // forgotten
    }
    long now = nanos.getAsLong();
    if (error == null) {
      if (ob.failing()) {
        logged(owner, () -> log.info("Publishing to {} works again after {} failed round(s)", owner.topic(),
            ob.failedRounds()));
      }
      send(owner, ob, ob.acked(e.id, now));
      e.item.onAck().run();
      return;
    }
    metrics.publishFailures.increment();
    boolean first = !ob.failing();
    List<Outbox.Entry<Pending>> next = ob.failed(e.id, now);
    if (first) {
      logged(owner, () -> log.warn("Publishing to {} failed ({}); {} record(s) will be sent again in order, "
          + "consumption waits meanwhile", owner.topic(), error.toString(), ob.size()));
    } else {
      log.debug("Publishing to {} failed again: {}", owner.topic(), error.toString());
    }
    send(owner, ob, next);
  }

  private static void logged(Owner owner, Runnable line) {
    if (owner.slot() == null) {
      line.run();
      return;
    }
    try (SessionMdc mdc = SessionMdc.of(owner.slot().id)) {
      line.run();
    }
  }
}
