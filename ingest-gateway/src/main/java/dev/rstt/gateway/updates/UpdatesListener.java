package dev.rstt.gateway.updates;

import dev.rstt.avro.SessionUpdate;
import dev.rstt.common.logging.SessionMdc;
import dev.rstt.gateway.GatewayMetrics;
import dev.rstt.gateway.session.GatewaySession;
import dev.rstt.gateway.session.SessionRegistry;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.MessageListener;

/**
 * Delivers {@code session.updates} to the sockets of this instance. Every instance reads every partition
 * (its own consumer group) and drops updates for sessions it does not hold: updates find their socket by
 * broadcast, so no routing table is needed and a session never moves between instances. An update is delivered
 * only when its {@code user_id} is the user of the socket's token (docs/CONTRACT.md, "session.updates"): a record
 * forged for another user's session by anyone who can write the topic is dropped (counted as
 * {@code rstt_gateway_updates_total{outcome="foreign_user"}}, logged with its coordinates, never its content).
 */
public final class UpdatesListener implements MessageListener<String, SessionUpdate>, ConsumerAwareRebalanceListener {

  private static final Logger log = LoggerFactory.getLogger(UpdatesListener.class);

  private final SessionRegistry registry;
  private final GatewayMetrics metrics;
  private final AtomicBoolean assigned = new AtomicBoolean();

  public UpdatesListener(SessionRegistry registry, GatewayMetrics metrics) {
    this.registry = registry;
    this.metrics = metrics;
  }

  @Override
  public void onMessage(ConsumerRecord<String, SessionUpdate> record) {
    SessionUpdate update = record.value();
    if (update == null) {
      return;
    }
    String sessionId = update.getSessionId() != null ? update.getSessionId() : record.key();
    GatewaySession session = registry.get(sessionId);
    if (session == null) {
      metrics.updateDropped("not_here");
      return;
    }
    if (!ownedBy(session.userId(), update)) {
      metrics.updateDropped("foreign_user");
      try (SessionMdc mdc = SessionMdc.of(sessionId)) {
        log.warn("Dropped an update whose user_id is not the socket's user ({}-{}@{})", record.topic(),
            record.partition(), record.offset());
      }
      return;
    }
    session.deliver(update);
  }

  /** True when {@code update} belongs to {@code socketUser}: an update without a user belongs to nobody. */
  static boolean ownedBy(String socketUser, SessionUpdate update) {
    return socketUser != null && socketUser.equals(update.getUserId());
  }

  @Override
  public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    // Resolve positions now (committed offset, else the end: sessions are new, no history is needed), so an
    // update produced after this point is never skipped by a lazy reset to the end.
    partitions.forEach(consumer::position);
    assigned.set(!partitions.isEmpty());
    log.info("session.updates: {} partitions assigned", partitions.size());
  }

  @Override
  public void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    assigned.set(false);
  }

  /** True once this instance reads every partition of session.updates. */
  public boolean assigned() {
    return assigned.get();
  }
}
