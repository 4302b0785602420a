package dev.rstt.batch.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit rule over every assigned partition (docs/CONTRACT.md section 5): each partition's committed offset is
 * its lowest record not done; committed asynchronously when it moved, synchronously on revocation and shutdown.
 * Engine thread only.
 */
final class Commits {

  private static final Logger log = LoggerFactory.getLogger(Commits.class);

  private final Consumer<?, ?> consumer;
  private final Map<TopicPartition, PartitionLedger> ledgers = new HashMap<>();

  Commits(Consumer<?, ?> consumer) {
    this.consumer = consumer;
  }

  /** The ledger of an assigned partition, or null when it is not assigned (revoked in this very poll). */
  PartitionLedger ledger(TopicPartition tp) {
    return ledgers.get(tp);
  }

  void assigned(Collection<TopicPartition> partitions) {
    partitions.forEach(tp -> ledgers.putIfAbsent(tp, new PartitionLedger()));
  }

  /** Forgets partitions no longer owned. */
  void forget(Collection<TopicPartition> partitions) {
    partitions.forEach(ledgers::remove);
  }

  /** Commits, asynchronously, what moved in every partition. */
  void commitAsync() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    ledgers.forEach((tp, l) -> {
      long c = l.pendingCommit();
      if (c >= 0) {
        offsets.put(tp, new OffsetAndMetadata(c));
        l.markCommitted(c);
      }
    });
    if (offsets.isEmpty()) {
      return;
    }
    consumer.commitAsync(offsets, (done, error) -> {
      if (error != null) {
        log.debug("Async commit failed ({}); will commit again", error.toString());
        done.keySet().forEach(tp -> {
          PartitionLedger l = ledgers.get(tp);
          if (l != null) {
            l.commitFailed();
          }
        });
      }
    });
  }

  /** Commits, synchronously, the committable offset of {@code partitions} (revocation, shutdown). */
  void commitSync(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : partitions) {
      PartitionLedger l = ledgers.get(tp);
      long c = l == null ? -1 : l.committable();
      if (c >= 0) {
        offsets.put(tp, new OffsetAndMetadata(c));
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(offsets, Duration.ofSeconds(10));
      offsets.forEach((tp, o) -> ledgers.get(tp).markCommitted(o.offset()));
    } catch (RuntimeException e) {
      log.warn("Commit of {} failed: {}", offsets.keySet(), e.toString());
    }
  }

  void commitSyncAll() {
    commitSync(ledgers.keySet());
  }

  /** Wall-clock read time of the oldest record not done in any partition, or -1. */
  long oldestOpenReadAtMs() {
    long oldest = Long.MAX_VALUE;
    for (PartitionLedger l : ledgers.values()) {
      long o = l.oldestOpenReadAtMs();
      if (o >= 0) {
        oldest = Math.min(oldest, o);
      }
    }
    return oldest == Long.MAX_VALUE ? -1 : oldest;
  }
}
