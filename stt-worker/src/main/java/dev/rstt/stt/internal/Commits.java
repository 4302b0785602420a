package dev.rstt.stt.internal;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit rule over every partition read (docs/CONTRACT.md section 3): each partition's committed offset is
 * its lowest record not done; committed asynchronously every commit-interval, synchronously on revocation and
 * shutdown. Engine thread only.
 */
final class Commits {

  private static final Logger log = LoggerFactory.getLogger(Commits.class);

  private final Consumer<?, ?> consumer;
  private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();

  Commits(Consumer<?, ?> consumer) {
    this.consumer = consumer;
  }

  PartitionProgress progress(TopicPartition tp) {
    return progress.computeIfAbsent(tp, k -> new PartitionProgress());
  }

  void assigned(Collection<TopicPartition> partitions) {
    partitions.forEach(this::progress);
  }

  /** Commits what moved in every partition. */
  void commit(boolean sync) {
    commit(progress.keySet(), sync);
  }

  /** Commits what moved in {@code partitions}. */
  void commit(Collection<TopicPartition> partitions, boolean sync) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : partitions) {
      PartitionProgress p = progress.get(tp);
      long c = p == null ? -1 : p.pendingCommit();
      if (c >= 0) {
        offsets.put(tp, new OffsetAndMetadata(c));
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    if (sync) {
      consumer.commitSync(offsets);
      offsets.forEach((tp, o) -> markCommitted(tp, o.offset()));
    } else {
      consumer.commitAsync(offsets, (done, error) -> {
        if (error != null) {
          log.warn("Offset commit failed (will retry): {}", error.toString());
        } else {
          done.forEach((tp, o) -> markCommitted(tp, o.offset()));
        }
      });
    }
  }

  /** Forgets partitions no longer owned. */
  void forget(Collection<TopicPartition> partitions) {
    partitions.forEach(progress::remove);
  }

  private void markCommitted(TopicPartition tp, long offset) {
    PartitionProgress p = progress.get(tp);
    if (p != null) {
      p.markCommitted(offset);
    }
  }
}
