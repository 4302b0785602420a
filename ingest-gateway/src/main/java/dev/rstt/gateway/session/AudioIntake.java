package dev.rstt.gateway.session;

import dev.rstt.gateway.audio.ChunkAggregator;
import java.util.ArrayList;
import java.util.List;

/**
 * Decoded app audio gathered into chunks of at most {@code chunk.max-duration}, each stamped with the arrival of
 * its first frame; audio held below that size waits for a {@code chunk.max-delay} flush, which this class
 * arms and disarms by generation. Pure (times are passed in, timers are the caller's); the caller serialises.
 */
final class AudioIntake {

  /** PCM to publish as one chunk, and when its first frame arrived. */
  record Chunk(byte[] pcm, long receivedAtMs) {
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

  AudioIntake(ChunkAggregator aggregator) {
    this.aggregator = aggregator;
  }

  Added add(byte[] pcm, long nowMs) {
    if (pcm.length == 0) {
      return new Added(List.of(), -1);
    }
    boolean wasEmpty = aggregator.isEmpty();
    if (wasEmpty) {
      heldSinceMs = nowMs;
    }
    List<Chunk> ready = new ArrayList<>(2);
    for (byte[] chunk : aggregator.add(pcm)) {
      ready.add(new Chunk(chunk, heldSinceMs));
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
    return pcm.length == 0 ? null : new Chunk(pcm, heldSinceMs);
  }

  /** A max-delay flush armed for {@code armed} fired: the held audio, unless it was published meanwhile. */
  Chunk flushIfArmed(long armed) {
    return armed == generation && !aggregator.isEmpty() ? flush() : null;
  }
}
