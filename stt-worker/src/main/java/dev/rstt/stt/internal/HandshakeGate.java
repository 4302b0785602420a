package dev.rstt.stt.internal;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * At most {@code max-concurrent-handshakes} live handshakes at once; more attempts wait in order. Many sessions
 * arriving together (a start-up, a rebalance, a recovery) would otherwise open all their sockets at once; on a
 * busy host the handshakes then time out and the breaker blames Deepgram. Engine thread only.
 */
final class HandshakeGate<T> {

  private final int max;
  private final Consumer<T> start;
  private final ArrayDeque<T> waiting = new ArrayDeque<>();
  private int inFlight;

  HandshakeGate(int max, Consumer<T> start) {
    this.max = max;
    this.start = start;
  }

  void submit(T attempt) {
    if (inFlight < max) {
      inFlight++;
      start.accept(attempt);
    } else {
      waiting.addLast(attempt);
    }
  }

  /** A waiting attempt is no longer wanted. */
  void cancel(T attempt) {
    waiting.remove(attempt);
  }

  /** A handshake finished (either way): the next waiting attempts start. */
  void done() {
    inFlight--;
    while (inFlight < max && !waiting.isEmpty()) {
      inFlight++;
      start.accept(waiting.pollFirst());
    }
  }

  int inFlight() {
    return inFlight;
  }

  int waiting() {
    return waiting.size();
  }
}
