package dev.rstt.stt.internal;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.SessionEnded;
import java.util.ArrayDeque;
import java.util.Iterator;
import org.apache.kafka.common.TopicPartition;

/** State of one session held by this worker. Touched only by the engine thread. */
final class Session {

  enum Mode {
    /** SessionStarted seen, no audio yet. */
    IDLE,
    /** First live connection being opened; chunks are held. */
    CONNECTING,
    /** Chunks go to the live socket. */
    LIVE,
    /** Chunks go to audio.degraded; a recovery may be scheduled. */
    DEGRADED,
    /** Degraded, with a recovery connection being opened; chunks still go to audio.degraded. */
    RECOVERING,
    /** Recovery connection open (overlap sent); chunks held until LiveResumed is acknowledged. */
    RESUMING,
    /** SessionEnded seen while live: Finalize + CloseStream sent, waiting for the close and the finals. */
    CLOSING,
    /** Everything done. */
    ENDED
  }

  enum ChunkState { PENDING, LIVE, REROUTING }

  static final class Chunk {
    final AudioChunk record;
    final PartitionProgress.Tracked tracked;
    final long start;
    final long end;
    final int bytes;
    ChunkState state = ChunkState.PENDING;
    Connection connection;
    long sentNanos;

    Chunk(AudioChunk record, PartitionProgress.Tracked tracked, long frames) {
      this.record = record;
      this.tracked = tracked;
      this.start = record.getOffsetSamples();
      this.end = start + frames;
      this.bytes = record.getPcm().remaining();
    }

    boolean done() {
      return tracked == null || tracked.isDone();
    }
  }

  final String id;
  final TopicPartition partition;
  String userId;
  int sampleRate;
  int channels;
  String language;
  long lastSeq = -1;
  long lastChunkEnd;
  long lastAudioNanos;
  Mode mode = Mode.IDLE;
  boolean dropped;
  /** No SessionStarted seen: this worker took the session over (rebalance, crash). */
  boolean coldTakeover;
  boolean readySent;
  /** Chunks not yet done, in seq order (done ones are pruned from the head). */
  final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
  /** Recently rerouted chunks kept for the overlap of a recovery (bounded by recovery-overlap). */
  final ArrayDeque<Chunk> overlap = new ArrayDeque<>();
  long retainedBytes;
  Connection connection;

  // degraded episode
  boolean episodeOpen;
  boolean episodeRerouted;
  boolean degradedAnnounced;
  boolean degradedAcked;
  boolean resumeSent;
  long degradedFromSamples = -1;
  String degradedReason;
  long recoverAtNanos = -1;
  int failures;
  boolean permanentLogged;

  // end of session
  PartitionProgress.Tracked endTracked;
  SessionEnded ended;
  boolean endHandled;
  /** SessionEnded waits to be forwarded until stt_degraded is acknowledged (status order for the merger). */
  boolean endForwardPending;

  Session(String id, TopicPartition partition) {
    this.id = id;
    this.partition = partition;
    this.lastAudioNanos = System.nanoTime();
  }

  void format(AudioChunk c) {
    userId = c.getUserId();
    sampleRate = c.getSampleRate();
    channels = c.getChannels();
    language = c.getLanguage();
  }

  /** Removes done chunks from the head of the queue and returns the bytes released. */
  long prune() {
    long released = 0;
    while (!chunks.isEmpty() && chunks.peekFirst().done()) {
      released += chunks.pollFirst().bytes;
    }
    return released;
  }

  Chunk firstPending() {
    for (Chunk c : chunks) {
      if (!c.done() && c.state == ChunkState.PENDING) {
        return c;
      }
    }
    return null;
  }

  boolean allDone() {
    for (Chunk c : chunks) {
      if (!c.done()) {
        return false;
      }
    }
    return true;
  }

  /** Keeps the rerouted chunks of the last {@code overlapSamples}; returns the bytes released. */
  long trimOverlap(long overlapSamples) {
    long released = 0;
    Iterator<Chunk> it = overlap.iterator();
    while (it.hasNext()) {
      Chunk c = it.next();
      if (c.end <= lastChunkEnd - overlapSamples) {
        it.remove();
        released += c.bytes;
      } else {
        break;
      }
    }
    return released;
  }

  boolean degradedNow() {
    return mode == Mode.DEGRADED || mode == Mode.RECOVERING || mode == Mode.RESUMING;
  }
}
