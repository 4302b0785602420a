package dev.rstt.stt.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The audio a session holds: chunks not yet done, in seq order (done ones leave from the head), and recently
 * rerouted chunks kept for a recovery's overlap. Counts the bytes it retains (a chunk in both counts twice).
 */
final class Chunks {

  private final ArrayDeque<Chunk> held = new ArrayDeque<>();
  private final ArrayDeque<Chunk> overlap = new ArrayDeque<>();
  private long retainedBytes;

  void add(Chunk c) {
    held.addLast(c);
    retainedBytes += c.bytes;
  }

  Iterable<Chunk> held() {
    return held;
  }

  /** Releases done chunks from the head. */
  void prune() {
    while (!held.isEmpty() && held.peekFirst().done) {
      retainedBytes -= held.pollFirst().bytes;
    }
  }

  Chunk find(long seq) {
    for (Chunk c : held) {
      if (c.seq == seq) {
        return c;
      }
    }
    return null;
  }

  /** The first chunk not sent anywhere yet. */
  Chunk firstPending() {
    for (Chunk c : held) {
      if (!c.done && c.state == Chunk.State.PENDING) {
        return c;
      }
    }
    return null;
  }

  List<Chunk> pending() {
    List<Chunk> out = new ArrayList<>();
    for (Chunk c : held) {
      if (!c.done && c.state == Chunk.State.PENDING) {
        out.add(c);
      }
    }
    return out;
  }

  /** A chunk re-published to audio.degraded is not acknowledged yet. */
  boolean reroutesOutstanding() {
    for (Chunk c : held) {
      if (!c.done && c.state == Chunk.State.REROUTING) {
        return true;
      }
    }
    return false;
  }

  boolean allDone() {
    for (Chunk c : held) {
      if (!c.done) {
        return false;
      }
    }
    return true;
  }

  /** Every chunk is done, or rerouted and acknowledged (held only as a possible overlap): nothing is owed. */
  boolean settled() {
    for (Chunk c : held) {
      if (!c.done && c.state != Chunk.State.REROUTED) {
        return false;
      }
    }
    return true;
  }

  /** The oldest chunk sent on {@code c} whose end is past the connection's final cursor. */
  Chunk oldestUnfinalized(Connection c) {
    for (Chunk chunk : held) {
      if (chunk.liveOn(c) && chunk.end > c.cursor) {
        return chunk;
      }
    }
    return null;
  }

  /** Keeps a rerouted chunk for a later overlap, and drops kept ones that end at or before {@code keepAfter}. */
  void keepForOverlap(Chunk c, long keepAfter) {
    overlap.addLast(c);
    retainedBytes += c.bytes;
    Iterator<Chunk> it = overlap.iterator();
    while (it.hasNext()) {
      Chunk old = it.next();
      if (old.end > keepAfter) {
        break;
      }
      it.remove();
      retainedBytes -= old.bytes;
    }
  }

  List<Chunk> overlap() {
    return List.copyOf(overlap);
  }

  /**
   * Live again on recovery connection {@code c}: of the retained rerouted audio only the overlap it was sent and
   * has not finalised stays (until its finals pass the switch point, or it dies and that overlap is re-published).
   */
  void keepOnlyOverlapOf(Connection c) {
    Iterator<Chunk> it = overlap.iterator();
    while (it.hasNext()) {
      Chunk o = it.next();
      if (o.done || o.prerollOf != c) {
        it.remove();
        retainedBytes -= o.bytes;
      }
    }
  }

  /** Drops from the retained overlap the chunks that are done (a live recovery connection finalised them). */
  void releaseDoneOverlap() {
    Iterator<Chunk> it = overlap.iterator();
    while (it.hasNext()) {
      Chunk o = it.next();
      if (o.done) {
        it.remove();
        retainedBytes -= o.bytes;
      }
    }
  }

  void clear() {
    held.clear();
    overlap.clear();
    retainedBytes = 0;
  }

  long retainedBytes() {
    return retainedBytes;
  }
}
