package dev.rstt.gateway.session;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.SessionStarted;
import dev.rstt.gateway.audio.AudioFormat;
import java.nio.ByteBuffer;

/**
 * A session's records on its timeline (docs/CONTRACT.md section 2): chunk {@code seq} from 0 without gaps,
 * {@code offset_samples} contiguous in sample frames, and SessionEnded naming the last seq and the end offset.
 * Pure: times are passed in; the caller serialises.
 */
final class SessionTimeline {

  private final String sessionId;
  private final String userId;
  private final AudioFormat format;
  private final int channel;
  private long nextSeq;
  private long nextOffset;

  SessionTimeline(String sessionId, String userId, AudioFormat format) {
    this(sessionId, userId, format, 0, 0);
  }

  /** A session resumed on this gateway: the next chunk gets {@code nextSeq} and starts at {@code nextOffset}. */
  SessionTimeline(String sessionId, String userId, AudioFormat format, long nextSeq, long nextOffset) {
    this(sessionId, userId, format, 0, nextSeq, nextOffset);
  }

  /**
   * One channel's timeline of a multi-channel session (docs/CONTRACT.md section 11): {@code format} is the
   * channel's (mono), {@code channel} goes on its records.
   */
  SessionTimeline(String sessionId, String userId, AudioFormat format, int channel, long nextSeq, long nextOffset) {
    this.channel = channel;
    this.sessionId = sessionId;
    this.userId = userId;
    this.format = format;
    this.nextSeq = nextSeq;
    this.nextOffset = nextOffset;
  }

  SessionStarted started(String gatewayId, long nowMs) {
    return SessionStarted.newBuilder().setSessionId(sessionId).setUserId(userId)
        .setLanguage(format.language()).setSampleRate(format.sampleRate()).setChannels(format.channels())
        .setCodec(format.codec().wireName()).setStartedAtMs(nowMs).setGatewayId(gatewayId)
        .setKeyterms(keyterms()).build();
  }

  /** The next chunk: {@code pcm} is whole sample frames of the session's format. */
  AudioChunk next(byte[] pcm, long receivedAtMs) {
    return next(pcm, receivedAtMs, null, null);
  }

  /** The next chunk, naming the app messages it holds and completes (section 10). */
  AudioChunk next(byte[] pcm, long receivedAtMs, Long framesStart, Long framesEnd) {
    AudioChunk chunk = AudioChunk.newBuilder().setSessionId(sessionId).setUserId(userId).setSeq(nextSeq)
        .setOffsetSamples(nextOffset).setSampleRate(format.sampleRate()).setChannels(format.channels())
        .setLanguage(format.language()).setPcm(ByteBuffer.wrap(pcm)).setReceivedAtMs(receivedAtMs)
        .setAppFramesStart(framesStart).setAppFramesEnd(framesEnd).setKeyterms(keyterms()).setChannel(channel)
        .build();
    nextSeq++;
    nextOffset += pcm.length / format.frameBytes();
    return chunk;
  }

  /** The session's keyterms on its records: null when there are none (nothing to carry on every chunk). */
  private java.util.List<String> keyterms() {
    return format.keyterms().isEmpty() ? null : java.util.List.copyOf(format.keyterms());
  }

  SessionEnded ended(String reason) {
    return SessionEnded.newBuilder().setSessionId(sessionId).setUserId(userId).setLastSeq(nextSeq - 1)
        .setEndOffsetSamples(nextOffset).setSampleRate(format.sampleRate()).setReason(reason).setChannel(channel)
        .build();
  }

  /** Timeline offset after the last chunk so far. */
  long nextOffset() {
    return nextOffset;
  }

  /** Seq of the last chunk so far (-1 before the first). */
  long lastSeq() {
    return nextSeq - 1;
  }
}
