package dev.rstt.stt.internal;

import dev.rstt.stt.deepgram.LiveConnection;
import java.util.ArrayDeque;

/** One live Deepgram connection of a session (its own stt_session). Touched only by the engine thread. */
final class Connection {

  /** A final's cursor waiting for its SegmentsProduced to be acknowledged. */
  static final class CursorAck {
    final long cursor;
    boolean acked;

    CursorAck(long cursor) {
      this.cursor = cursor;
    }
  }

  final String sttSession;
  final boolean recovery;
  /** When the handshake started (a queued attempt restarts the clock when it leaves the queue). */
  long attemptNanos;
  LiveConnection socket;
  boolean open;
  /** Session-timeline sample of the first sample sent on this connection. */
  long startSamples;
  /** Last final cursor received (session samples). */
  long cursor;
  /** Highest cursor whose SegmentsProduced (and every earlier one) is acknowledged. */
  long ackedCursor;
  final ArrayDeque<CursorAck> acks = new ArrayDeque<>();
  long nextSeq;
  long sentEnd;
  long lastSentNanos;
  long lastReceivedNanos;
  long lastFinalizeNanos;
  boolean closeStreamSent;
  long closeDeadlineNanos;
  boolean closedNormally;
  long openedNanos;
  /** Whether the breaker was told this attempt's outcome (success once the socket proved to work). */
  boolean outcomeReported;

  Connection(String sttSession, boolean recovery, long attemptNanos) {
    this.sttSession = sttSession;
    this.recovery = recovery;
    this.attemptNanos = attemptNanos;
  }
}
