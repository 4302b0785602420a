package dev.rstt.common.kafka;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The publishes of one session to one topic, in the order they were asked for, until Kafka acknowledges each
 * (docs/CONTRACT.md section 3, "Publishing never gives up"). Pure: it decides what to send and when; a service's
 * publisher sends. At most {@code window} are in flight. When one fails, nothing more is sent; once none is in
 * flight and a back-off has passed (doubling per failed round, capped), every publish not acknowledged is sent
 * again in the original order. So a failure is retried, never dropped, and records of a session reach a topic in
 * order (with a window of 1, whatever the producer does with the requests that failed).
 *
 * @param <T> what is published
 */
public final class Outbox<T> {

  /** One publish. */
  public static final class Entry<T> {
    public final long id;
    public final T item;
    private boolean inFlight;
    private boolean failed;
    private long sentAt;

    Entry(long id, T item) {
      this.id = id;
      this.item = item;
    }
  }

  private final int window;
  private final long backoff;
  private final long maxBackoff;
  private final ArrayDeque<Entry<T>> entries = new ArrayDeque<>();
  private long nextId;
  private int inFlight;
  /** Failed rounds since the last acknowledgement; the outbox is failing while this is above 0. */
  private int failedRounds;
  /** When the next round of re-sends may start, or -1 while no failure waits for one. */
  private long retryAt = -1;

  /**
   * @param window most publishes in flight at once (1: the next is sent when the previous is acknowledged)
   * @param backoffNanos wait after a first failure before re-sending
   * @param maxBackoffNanos the longest wait between rounds
   */
  public Outbox(int window, long backoffNanos, long maxBackoffNanos) {
    this.window = window;
    this.backoff = backoffNanos;
    this.maxBackoff = maxBackoffNanos;
  }

  /** Adds a publish; returns what to send now. */
  public List<Entry<T>> add(T item, long now) {
    entries.addLast(new Entry<>(nextId++, item));
    return sendable(now);
  }

  /** Kafka acknowledged {@code id}; returns what to send now. */
  public List<Entry<T>> acked(long id, long now) {
    Entry<T> e = settle(id);
    if (e != null) {
      entries.remove(e);
      if (retryAt < 0) {
        failedRounds = 0;
      }
    }
    return sendable(now);
  }

  /** {@code id} was not written; returns what to send now (nothing until the round of re-sends). */
  public List<Entry<T>> failed(long id, long now) {
    Entry<T> e = settle(id);
    if (e != null) {
      e.failed = true;
      if (retryAt < 0) {
        failedRounds++;
        retryAt = now + Math.min(maxBackoff, backoff << Math.min(failedRounds - 1, 20));
      }
    }
    return sendable(now);
  }

  /** Time passed; returns what to send now (a round of re-sends whose back-off is over). */
  public List<Entry<T>> tick(long now) {
    return sendable(now);
  }

  /** Publishes failed and were not acknowledged since. */
  public boolean failing() {
    return failedRounds > 0;
  }

  /** Failed rounds since the last acknowledgement. */
  public int failedRounds() {
    return failedRounds;
  }

  /** When the oldest publish in flight was sent, or -1. */
  public long oldestInFlightSince() {
    for (Entry<T> e : entries) {
      if (e.inFlight) {
        return e.sentAt;
      }
    }
    return -1;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public int size() {
    return entries.size();
  }

  private Entry<T> settle(long id) {
    for (Entry<T> e : entries) {
      if (e.id == id && e.inFlight) {
        e.inFlight = false;
        inFlight--;
        return e;
      }
    }
    return null;
  }

  private List<Entry<T>> sendable(long now) {
    if (retryAt >= 0) {
      if (inFlight > 0 || now < retryAt) {
        return List.of(); // a round starts when every send of the last one has its answer
      }
      retryAt = -1;
      for (Entry<T> e : entries) {
        e.failed = false;
      }
    }
    List<Entry<T>> out = new ArrayList<>();
    for (Entry<T> e : entries) {
      if (inFlight >= window) {
        break;
      }
      if (!e.inFlight && !e.failed) {
        e.inFlight = true;
        e.sentAt = now;
        inFlight++;
        out.add(e);
      }
    }
    return out;
  }
}
