package dev.rstt.batch.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * Batch chunks waiting for a pre-recorded call, strictly oldest audio first (by when their oldest audio was read,
 * then by cut order): a chunk that failed comes back in its place, and while it is not due (backing off) no younger
 * chunk overtakes it, so a long outage drains in order. Pure: no clock, no I/O.
 *
 * @param <T> what waits
 */
final class Backlog<T> {

  private record Entry<T>(T item, long oldestAudioAt, long chunkSeq, long order, long notBefore) {
  }

  private final PriorityQueue<Entry<T>> queue = new PriorityQueue<>(
      Comparator.comparingLong((Entry<T> e) -> e.oldestAudioAt).thenComparingLong(e -> e.chunkSeq)
          .thenComparingLong(e -> e.order));
  private long nextOrder;

  /** Adds a chunk whose oldest audio was read at {@code oldestAudioAt}, due at {@code notBefore}. */
  void add(T item, long oldestAudioAt, long chunkSeq, long notBefore) {
    queue.add(new Entry<>(item, oldestAudioAt, chunkSeq, nextOrder++, notBefore));
  }

  /** Forgets every chunk matching {@code which}; returns how many. */
  int removeIf(Predicate<T> which) {
    int before = queue.size();
    queue.removeIf(e -> which.test(e.item));
    return before - queue.size();
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
  List<T> takeDue(long now, int inFlight, int limit) {
    List<T> due = new ArrayList<>();
    while (inFlight + due.size() < limit && !queue.isEmpty() && queue.peek().notBefore <= now) {
      due.add(queue.poll().item);
    }
    return due;
  }
}
