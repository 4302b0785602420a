package dev.rstt.stt.internal;

import dev.rstt.schemas.Topics;
import dev.rstt.stt.session.AckKey;
import dev.rstt.stt.session.Input;
import dev.rstt.stt.session.Outbound;
import java.util.function.BiConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what sessions ask to transcript.events or audio.degraded (keyed by session id) and hands the outcome
 * back to the session, on the engine thread, as {@link Input.Acked} or {@link Input.PublishFailed} with the
 * publish's acknowledgement key.
 */
final class Publisher {

  private static final Logger log = LoggerFactory.getLogger(Publisher.class);

  private final Topics topics;
  private final Producer<String, SpecificRecord> degraded;
  private final Producer<String, SpecificRecord> events;
  private final OutboundRecords records;
  private final Inbox inbox;
  private final BiConsumer<SessionSlot, Input> sessions;

  Publisher(Topics topics, Producer<String, SpecificRecord> degraded, Producer<String, SpecificRecord> events,
      OutboundRecords records, Inbox inbox, BiConsumer<SessionSlot, Input> sessions) {
    this.topics = topics;
    this.degraded = degraded;
    this.events = events;
    this.records = records;
    this.inbox = inbox;
    this.sessions = sessions;
  }

  void publish(SessionSlot slot, AckKey key, Outbound value) {
    SpecificRecord record = records.build(slot.id, slot.core.userId(), slot.core.sampleRate(), value);
    if (value instanceof Outbound.Status st) {
      log.info("Status {}{}", st.status(), st.metadata().isEmpty() ? "" : " " + st.metadata());
    }
    String topic = value.degradedTopic() ? topics.audioDegraded().name() : topics.transcriptEvents().name();
    Producer<String, SpecificRecord> producer = value.degradedTopic() ? degraded : events;
    try {
      producer.send(new ProducerRecord<>(topic, slot.id, record), (metadata, error) -> inbox.post(() ->
          sessions.accept(slot, error == null ? new Input.Acked(key) : new Input.PublishFailed(key, error.toString()))));
    } catch (RuntimeException e) {
      inbox.post(() -> sessions.accept(slot, new Input.PublishFailed(key, e.toString())));
    }
  }
}
