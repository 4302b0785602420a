package dev.rstt.gateway.session;

/**
 * What one session has handed to Kafka and what Kafka has answered: bytes and records not yet acknowledged, and
 * whether any record failed. Pure (no I/O, no clock, no locking: the caller serialises). The rule it keeps:
 * {@code SessionEnded} may follow only when every earlier record is acknowledged and none failed, since a
 * failed record is a hole in the session's sequence and no later record may claim otherwise.
 */
final class AckLedger {

  private final long maxUnackedBytes;
  private long unackedBytes;
  private long outstanding;
  private boolean failed;

  /** @param maxUnackedBytes the session's cap: at or above it the socket is not read */
  AckLedger(long maxUnackedBytes) {
    this.maxUnackedBytes = maxUnackedBytes;
  }

  /** A record of {@code bytes} audio bytes was handed to Kafka. */
  void handed(long bytes) {
    unackedBytes += bytes;
    outstanding++;
  }

  /** Kafka acknowledged a record handed with {@code bytes}. */
  void acknowledged(long bytes) {
    settle(bytes);
  }

  /** Kafka will never acknowledge a record handed with {@code bytes}. */
  void failed(long bytes) {
    settle(bytes);
    failed = true;
  }

  private void settle(long bytes) {
    if (outstanding == 0) {
      throw new IllegalStateException("an answer for a record that was never handed over");
    }
    unackedBytes -= bytes;
    outstanding--;
  }

  /** Every record handed over has an answer (acknowledged or failed). */
  boolean settled() {
    return outstanding == 0;
  }

  /** SessionEnded may be published now: everything earlier acknowledged, nothing failed. */
  boolean mayEnd() {
    return outstanding == 0 && !failed;
  }

  /** A record failed: the session's sequence has a hole and SessionEnded is never published. */
  boolean hasFailed() {
    return failed;
  }

  /** The session holds as many unacknowledged bytes as it may: stop reading its socket. */
  boolean atCap() {
    return unackedBytes >= maxUnackedBytes;
  }

  long unackedBytes() {
    return unackedBytes;
  }

  long outstanding() {
    return outstanding;
  }
}
