package dev.rstt.gateway.audio;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers decoded PCM into chunks of at most {@code maxBytes} (an app frame that alone is at least that long
 * becomes one chunk by itself). Pure and not thread-safe; the session calls it under its lock and flushes it
 * when audio has waited {@code chunk.max-delay}.
 */
public final class ChunkAggregator {

  private final int maxBytes;
  private final ByteArrayOutputStream buffer;

  public ChunkAggregator(int maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive");
    }
    this.maxBytes = maxBytes;
    this.buffer = new ByteArrayOutputStream(maxBytes);
  }

  /** For a chunk duration: bytes of {@code durationMillis} of audio, rounded down to whole sample frames. */
  public static int bytesFor(AudioFormat format, long durationMillis) {
    long frames = Math.max(1, format.sampleRate() * durationMillis / 1000);
    return (int) Math.min(Integer.MAX_VALUE - 8, frames * format.frameBytes());
  }

  /** Adds PCM; returns the chunks that are full (in order), possibly none. */
  public List<byte[]> add(byte[] pcm) {
    List<byte[]> ready = new ArrayList<>(2);
    if (pcm.length == 0) {
      return ready;
    }
    if (buffer.size() > 0 && buffer.size() + pcm.length > maxBytes) {
      ready.add(flush());
    }
    if (buffer.size() == 0 && pcm.length >= maxBytes) {
      ready.add(pcm.clone());
      return ready;
    }
    buffer.write(pcm, 0, pcm.length);
    if (buffer.size() >= maxBytes) {
      ready.add(flush());
    }
    return ready;
  }

  /** Whether {@link #add} of {@code length} bytes would first publish what is held (it would not fit). */
  public boolean cutsBefore(int length) {
    return length > 0 && buffer.size() > 0 && buffer.size() + length > maxBytes;
  }

  /** Everything held, or an empty array. */
  public byte[] flush() {
    byte[] out = buffer.toByteArray();
    buffer.reset();
    return out;
  }

  public boolean isEmpty() {
    return buffer.size() == 0;
  }

  public int buffered() {
    return buffer.size();
  }
}
