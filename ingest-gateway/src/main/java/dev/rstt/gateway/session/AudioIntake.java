package dev.rstt.gateway.session;

import dev.rstt.gateway.audio.ChunkAggregator;
import java.util.ArrayList;
import java.util.List;

/**
 * Decoded app audio gathered into chunks of at most {@code chunk.max-duration}, each stamped with the arrival of
 * its first frame; audio held below that size waits for a {@code chunk.max-delay} flush, which this class
 * arms and disarms by generation. Chunks are cut only between app messages, and each names the app messages it
 * holds ({@code app_frames_start}) and completes ({@code app_frames_end}, null when the decoder held bytes back at
 * its end: docs/CONTRACT.md section 10). Pure (times are passed in, timers are the caller's); the caller serialises.
 */
final class AudioIntake {

  /**
   * PCM to publish as one chunk, when its first frame arrived, and the app messages {@code [framesStart, end)} it
   * holds; {@code framesEnd} is that end when the boundary there is clean, else null.
   */
  record Chunk(byte[] pcm, long receivedAtMs, long framesStart, Long framesEnd) {
  }

  /**
   * @param ready full chunks to publish now, in order
   * @param flushGeneration the generation to schedule a max-delay flush for, or -1 when none is needed
   */
  record Added(List<Chunk> ready, long flushGeneration) {
  }

  private final ChunkAggregator aggregator;
  private long heldSinceMs;
  private long generation;
  /** First message of the audio held (the end of the last chunk). */
  private long heldFrom;
  /** Index of the next message. */
  private long next;
  /** The decoder held nothing back after the last message. */
  private boolean clean = true;

  AudioIntake(ChunkAggregator aggregator) {
    this(aggregator, 0);
  }

  /** @param firstMessage the app's index of the first message this intake gets (a resumed session's point) */
  AudioIntake(ChunkAggregator aggregator, long firstMessage) {
    this.aggregator = aggregator;
    this.heldFrom = firstMessage;
    this.next = firstMessage;
  }

  /** Message {@link #next()}'s audio, the decoder clean after it. */
  Added add(byte[] pcm, long nowMs) {
    return add(pcm, nowMs, true);
  }

  /** Message {@link #next()}'s audio ({@code pcm}, possibly empty); after it the decoder is {@code cleanAfter}. */
  Added add(byte[] pcm, long nowMs, boolean cleanAfter) {
    long index = next++;
    boolean cleanBefore = clean;
    clean = cleanAfter;
    if (pcm.length == 0) {
      return new Added(List.of(), -1);
    }
    boolean wasEmpty = aggregator.isEmpty();
    if (wasEmpty) {
      heldSinceMs = nowMs;
    }
    List<byte[]> cut = aggregator.add(pcm);
    List<Chunk> ready = new ArrayList<>(2);
    for (int i = 0; i < cut.size(); i++) {
      boolean endsBefore = i == 0 && (cut.size() == 2 || !aggregator.isEmpty()); // flushed before this message
      long end = endsBefore ? index : index + 1;
      ready.add(new Chunk(cut.get(i), heldSinceMs, heldFrom, (endsBefore ? cleanBefore : cleanAfter) ? end : null));
      heldFrom = end;
      heldSinceMs = nowMs;
    }
    if (!ready.isEmpty()) {
      generation++; // a pending flush was for audio that is now published
    }
    boolean heldBeganNow = !aggregator.isEmpty() && (wasEmpty || !ready.isEmpty());
    return new Added(ready, heldBeganNow ? ++generation : -1);
  }

  /** Everything held (null when nothing is); disarms a pending flush. */
  Chunk flush() {
    generation++;
    byte[] pcm = aggregator.flush();
    if (pcm.length == 0) {
      return null;
    }
    Chunk chunk = new Chunk(pcm, heldSinceMs, heldFrom, clean ? next : null);
    heldFrom = next;
    return chunk;
  }

  /** A max-delay flush armed for {@code armed} fired: the held audio, unless it was published meanwhile. */
  Chunk flushIfArmed(long armed) {
    return armed(armed) ? flush() : null;
  }

  /** Whether adding {@code bytes} of audio would first cut the held audio into a chunk (it would not fit). */
  boolean cutsBefore(int bytes) {
    return aggregator.cutsBefore(bytes);
  }

  /** Whether a max-delay flush armed for {@code armed} would publish held audio. */
  boolean armed(long armed) {
    return armed == generation && !aggregator.isEmpty();
  }

  /** The decoder held nothing back after the last message. */
  boolean clean() {
    return clean;
  }

  /** The app's index of the next message. */
  long next() {
    return next;
  }
}
