package dev.rstt.batch.session;

import dev.rstt.batch.chunking.AudioBuffer;
import dev.rstt.batch.deepgram.Transcript;
import dev.rstt.common.deepgram.DeepgramFailure;
import dev.rstt.schemas.Statuses;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batch chunks from cut to acknowledgement (docs/CONTRACT.md section 5): each gets its own {@code stt_session}
 * and goes to Deepgram (a silent one straight to its empty {@code SegmentsProduced}); its transcript becomes one
 * {@code SegmentsProduced}; a permanent error a {@code chunk_lost} (logged at ERROR); a transient one (retries
 * exhausted) sends it again after a back-off, in its place in the oldest-first order. When its result is
 * acknowledged, the records it holds are released (done when nothing else holds them) and the statuses waiting
 * for it may go.
 */
final class ChunkRules {

  private static final Logger log = LoggerFactory.getLogger(SessionCore.class);

  private final SessionState s;
  private StatusRules statuses;

  ChunkRules(SessionState s) {
    this.s = s;
  }

  void wire(StatusRules statusRules) {
    this.statuses = statusRules;
  }

  /** Makes a batch chunk of a cut of the buffer. */
  void cut(AudioBuffer.Cut<HeldRecord> cut, String why) {
    long oldest = Long.MAX_VALUE;
    for (HeldRecord r : cut.refs()) {
      r.hold();
      oldest = Math.min(oldest, r.readAt);
    }
    for (HeldRecord r : cut.completed()) {
      s.seal(r);
    }
    int rate = s.buffer.sampleRate();
    int channels = s.buffer.channels();
    long frames = cut.endSample() - cut.startSample();
    boolean silent = s.policy.isSilent(cut.pcm(), frames, rate, channels);
    BatchChunk chunk = new BatchChunk(s.ids.next(), s.nextChunkSeq++, cut.startSample(), cut.endSample(), rate,
        channels, cut.pcm(), cut.refs(), oldest == Long.MAX_VALUE ? s.now : oldest, silent);
    s.outstanding.put(chunk.seq, chunk);
    s.chunksBySttSession.put(chunk.sttSession, chunk);
    log.debug("{} {} ({} frames{})", why, chunk, frames, silent ? ", silent" : "");
    s.emit(new Effect.ChunkCut(chunk.sttSession, chunk.fromSamples, chunk.toSamples, why, silent));
    if (silent) {
      publishSegments(chunk, Transcript.empty()); // nothing to transcribe
    } else {
      s.emit(chunk.request(s.language, s.keyterms, s.now));
    }
  }

  void onTranscribed(String sttSession, Transcript transcript) {
    BatchChunk chunk = transcribing(sttSession);
    if (chunk != null) {
      publishSegments(chunk, transcript);
    }
  }

  void onFailed(String sttSession, DeepgramFailure failure, String detail) {
    BatchChunk chunk = transcribing(sttSession);
    if (chunk == null) {
      return;
    }
    if (failure == DeepgramFailure.PERMANENT) {
      String from = String.format("%.3f", chunk.fromSeconds());
      String to = String.format("%.3f", chunk.toSeconds());
      log.error("Chunk lost: {} [{} s, {} s): permanent Deepgram error: {}", chunk.sttSession, from, to, detail);
      chunk.state = BatchChunk.State.PUBLISHING;
      s.publish(new AckKey.ChunkResult(chunk.sttSession), new Outbound.Status(Statuses.CHUNK_LOST,
          chunk.sttSession, Map.of("from_s", from, "to_s", to, "reason", String.valueOf(detail)), chunk.fromSamples,
          null, null, chunk.sampleRate));
      return;
    }
    chunk.failedRounds++;
    log.debug("{} failed (round {}): {}", chunk, chunk.failedRounds, detail);
    s.emit(chunk.request(s.language, s.keyterms, s.now + s.backoff.delay(chunk.failedRounds)));
  }

  /** Its SegmentsProduced (or chunk_lost) is acknowledged: the chunk is done. */
  void onAcked(String sttSession) {
    BatchChunk chunk = s.chunksBySttSession.get(sttSession);
    if (chunk == null || chunk.state != BatchChunk.State.PUBLISHING) {
      return;
    }
    s.chunksBySttSession.remove(sttSession);
    s.outstanding.remove(chunk.seq);
    for (HeldRecord r : chunk.records) {
      s.release(r);
    }
    statuses.publishReady();
  }

  private void publishSegments(BatchChunk chunk, Transcript transcript) {
    chunk.state = BatchChunk.State.PUBLISHING;
    s.publish(new AckKey.ChunkResult(chunk.sttSession), new Outbound.Segments(chunk.sttSession, chunk.fromSamples,
        chunk.toSamples, chunk.sampleRate, transcript, chunk.silent));
  }

  private BatchChunk transcribing(String sttSession) {
    BatchChunk chunk = s.chunksBySttSession.get(sttSession);
    return chunk != null && chunk.state == BatchChunk.State.TRANSCRIBING ? chunk : null;
  }
}
