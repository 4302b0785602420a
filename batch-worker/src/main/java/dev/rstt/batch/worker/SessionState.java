package dev.rstt.batch.worker;

import dev.rstt.batch.chunking.AudioBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.TreeSet;

/** What the worker holds for one session: its buffer, its unfinished chunks and the statuses waiting on them. */
final class SessionState {

  /** A status that leaves only after every chunk cut before it was acknowledged. */
  static final class PendingStatus {
    final String status;
    final long barrier;
    final RecordRef ref;
    final Double degradedDurationS;
    final Long atOffsetSamples;
    /** End of the degraded audio of the episode this status ends; null when the episode had none here. */
    final Long degradedToSamples;
    boolean sent;

    PendingStatus(String status, long barrier, RecordRef ref, Double degradedDurationS, Long atOffsetSamples,
        Long degradedToSamples) {
      this.status = status;
      this.barrier = barrier;
      this.ref = ref;
      this.degradedDurationS = degradedDurationS;
      this.atOffsetSamples = atOffsetSamples;
      this.degradedToSamples = degradedToSamples;
    }
  }

  final String sessionId;
  final PartitionLedger ledger;
  String userId;
  String language = "en";
  int sampleRate;
  int channels = 1;
  AudioBuffer<RecordRef> buffer;
  /** Session-timeline sample just past the last audio accepted in this episode; -1 before any. */
  long nextSample = -1;
  /** First degraded sample of the open episode, or -1. */
  long episodeStartSample = -1;
  long lastAudioAtMs;
  /** Idle cuts since the last audio: the first one keeps a trailing partial word, the second flushes all. */
  int idleCuts;
  long lastActivityMs;
  long nextChunkSeq;
  final TreeSet<Long> outstandingChunks = new TreeSet<>();
  final Deque<PendingStatus> statuses = new ArrayDeque<>();
  boolean ended;

  SessionState(String sessionId, PartitionLedger ledger) {
    this.sessionId = sessionId;
    this.ledger = ledger;
  }

  int bufferedBytes() {
    return buffer == null ? 0 : buffer.bytes();
  }

  boolean hasBufferedAudio() {
    return buffer != null && !buffer.isEmpty();
  }

  /** Nothing buffered, in flight or waiting: the state can be forgotten. */
  boolean isIdle() {
    return !hasBufferedAudio() && outstandingChunks.isEmpty() && statuses.isEmpty();
  }
}
