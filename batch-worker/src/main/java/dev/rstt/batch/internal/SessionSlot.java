package dev.rstt.batch.internal;

import dev.rstt.batch.session.SessionCore;
import org.apache.kafka.common.TopicPartition;

/** A session held by this worker: its core and the partition its records come from. Engine thread only. */
final class SessionSlot {

  final String id;
  final TopicPartition partition;
  final SessionCore core;
  /** Finished or dropped (partition revoked): callbacks still in flight are ignored. */
  boolean gone;

  SessionSlot(String id, TopicPartition partition, SessionCore core) {
    this.id = id;
    this.partition = partition;
    this.core = core;
  }
}
