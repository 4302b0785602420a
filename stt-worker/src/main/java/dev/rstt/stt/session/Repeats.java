package dev.rstt.stt.session;

import dev.rstt.avro.AudioChunk;
import dev.rstt.common.audio.Pcm;
import java.nio.ByteBuffer;

/**
 * Audio a session's timeline already has, sent again (docs/CONTRACT.md section 10): after a gateway took a resumed
 * session over without an exact position, chunks may cover timeline samples an earlier chunk covered. The
 * timeline is the truth: what lies before the end of the audio received so far is dropped. Pure.
 */
final class Repeats {

  private Repeats() {
  }

  /** Timeline end of {@code chunk} (exclusive). */
  static long end(AudioChunk chunk) {
    return chunk.getOffsetSamples() + Pcm.frames(chunk.getPcm().remaining(), chunk.getChannels());
  }

  /**
   * The part of {@code chunk} at or after {@code receivedEnd} (same seq, offset moved), or null when the whole chunk
   * lies before it.
   */
  static AudioChunk after(AudioChunk chunk, long receivedEnd) {
    long start = chunk.getOffsetSamples();
    if (start >= receivedEnd) {
      return chunk;
    }
    if (end(chunk) <= receivedEnd) {
      return null;
    }
    int skip = (int) ((receivedEnd - start) * 2L * chunk.getChannels());
    ByteBuffer pcm = chunk.getPcm().duplicate();
    pcm.position(pcm.position() + skip);
    return AudioChunk.newBuilder(chunk).setOffsetSamples(receivedEnd).setPcm(pcm.slice()).build();
  }
}
