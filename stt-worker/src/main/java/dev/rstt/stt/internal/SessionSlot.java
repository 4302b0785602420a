package dev.rstt.stt.internal;

import dev.rstt.stt.session.SessionCore;
import org.apache.kafka.common.TopicPartition;

/**
 * A session's stream held by this worker (one per channel of the session, keyed by session id and channel): its
 * core and the partition its records come from. Engine thread only.
 */
final class SessionSlot {

  final String id;
  /** The session's channel this stream transcribes (docs/CONTRACT.md section 11; 0 for a one-channel session). */
  final int channel;
  final TopicPartition partition;
  final SessionCore core;
  /** Finished or dropped (partition revoked): callbacks still in flight are ignored. */
  boolean gone;

  SessionSlot(String id, int channel, TopicPartition partition, SessionCore core) {
    this.id = id;
    this.channel = channel;
    this.partition = partition;
    this.core = core;
  }
}
