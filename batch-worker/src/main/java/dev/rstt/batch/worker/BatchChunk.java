package dev.rstt.batch.worker;

import java.util.List;

/**
 * A cut of one session's audio on its way to Deepgram: its range on the session timeline, its audio, its
 * own ULID {@code stt_session}, the records that wait for it, and its place in the oldest-first backlog.
 */
final class BatchChunk {

  final SessionState session;
  final long sessionChunkSeq;
  final long backlogOrder;
  final String sttSession;
  final long startSample;
  final long endSample;
  final byte[] pcm;
  final List<RecordRef> refs;
  final long oldestAudioReceivedAtMs;
  final boolean silent;
  int failedRounds;
  long notBeforeMs;
  boolean inFlight;
  boolean finished;
  boolean orphaned;

  BatchChunk(SessionState session, long sessionChunkSeq, long backlogOrder, String sttSession, long startSample,
      long endSample, byte[] pcm, List<RecordRef> refs, long oldestAudioReceivedAtMs, boolean silent) {
    this.session = session;
    this.sessionChunkSeq = sessionChunkSeq;
    this.backlogOrder = backlogOrder;
    this.sttSession = sttSession;
    this.startSample = startSample;
    this.endSample = endSample;
    this.pcm = pcm;
    this.refs = refs;
    this.oldestAudioReceivedAtMs = oldestAudioReceivedAtMs;
    this.silent = silent;
  }

  double fromSeconds() {
    return (double) startSample / session.sampleRate;
  }

  double toSeconds() {
    return (double) endSample / session.sampleRate;
  }

  @Override
  public String toString() {
    return String.format("chunk %s [%.3f s, %.3f s)", sttSession, fromSeconds(), toSeconds());
  }
}
