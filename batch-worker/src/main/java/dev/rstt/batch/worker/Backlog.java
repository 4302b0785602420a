package dev.rstt.batch.worker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Chunks waiting for a pre-recorded call, strictly oldest audio first: a chunk that failed goes back in its
 * place, and while it is not due (backing off) no younger chunk overtakes it, so a long outage drains in order.
 */
final class Backlog {

  private final PriorityQueue<BatchChunk> queue = new PriorityQueue<>(
      Comparator.comparingLong((BatchChunk c) -> c.oldestAudioReceivedAtMs).thenComparingLong(c -> c.backlogOrder));

  void add(BatchChunk chunk) {
    queue.add(chunk);
  }

  boolean remove(BatchChunk chunk) {
    return queue.remove(chunk);
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  int size() {
    return queue.size();
  }

  /**
   * Takes the chunks to start now: from the oldest, while fewer than {@code limit} calls would be in flight,
   * stopping at the first chunk that is not due yet.
   */
  List<BatchChunk> takeDue(long nowMs, int inFlight, int limit) {
    List<BatchChunk> due = new ArrayList<>();
    while (inFlight + due.size() < limit && !queue.isEmpty() && queue.peek().notBeforeMs <= nowMs) {
      due.add(queue.poll());
    }
    return due;
  }
}
