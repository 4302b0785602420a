package dev.rstt.stt.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One live Deepgram connection of a session (its own {@code stt_session}): where on the session timeline it
 * starts, its final cursor, and which finals' {@code SegmentsProduced} Kafka has acknowledged.
 */
final class Connection {

  /** A final's cursor waiting for its SegmentsProduced ({@code seq}, or -1 for an empty final) to be acked. */
  private static final class CursorAck {
    final long seq;
    final long cursor;
    final long wordSafe;
    boolean acked;

    CursorAck(long seq, long cursor, long wordSafe, boolean acked) {
      this.seq = seq;
      this.cursor = cursor;
      this.wordSafe = wordSafe;
      this.acked = acked;
    }
  }

  final String sttSession;
  final boolean recovery;
  boolean open;
  /** The socket opened (a handshake that failed never did). */
  boolean opened;
  /** Recovery connection: the rerouted chunks it was sent first, as overlap before the switch point. */
  final List<Chunk> preroll = new ArrayList<>();
  /** Recovery connection: the switch point S of the LiveResumed published for it, or -1 before. */
  long resumeAt = -1;
  /** Session sample of the first sample sent on this connection. */
  long startSamples;
  /** Last final cursor (session samples). */
  long cursor;
  /** Highest cursor whose SegmentsProduced, and every earlier one, is acknowledged. */
  long ackedCursor;
  /**
   * The word-safe point of the acknowledged finals (docs/CONTRACT.md section 3): audio before it is transcribed
   * and no word not transcribed can have started before it. Live chunks are done only up to here, so that a
   * reroute after the socket dies starts no later than the end of the last word a final transcribed.
   */
  long ackedWordSafe;
  /** The word-safe point of the latest final (never back). */
  private long wordSafe;
  long sentEnd;
  /** The attempt was reported a success to the breaker (first final, clean close or alive a stall timeout). */
  boolean proved;
  boolean closeStreamSent;
  boolean closedNormally;
  SocketTimers timers;
  private long nextSeq;
  private final ArrayDeque<CursorAck> acks = new ArrayDeque<>();

  Connection(String sttSession, boolean recovery) {
    this.sttSession = sttSession;
    this.recovery = recovery;
  }

  void startAt(long samples) {
    startSamples = samples;
    cursor = samples;
    ackedCursor = samples;
    ackedWordSafe = samples;
    wordSafe = samples;
    sentEnd = samples;
  }

  /** Session sample of a connection-relative time. */
  long toSessionSamples(double connectionSeconds, int sampleRate) {
    return startSamples + Math.round(connectionSeconds * sampleRate);
  }

  /**
   * A final whose window ends at {@code to}: moves the cursor (never back) and returns the seq of its
   * SegmentsProduced, or -1 when it has no words (covered at once).
   */
  long acceptFinal(long to, boolean hasWords) {
    return acceptFinal(to, hasWords, to);
  }

  /**
   * A final whose window ends at {@code to} and whose word-safe point is {@code safe} (at most {@code to}): the
   * cursor and the word-safe point move (never back); returns the seq of its SegmentsProduced, or -1 when it has
   * no words (covered at once).
   */
  long acceptFinal(long to, boolean hasWords, long safe) {
    cursor = Math.max(cursor, to);
    wordSafe = Math.max(wordSafe, Math.min(safe, cursor));
    long seq = hasWords ? nextSeq++ : -1;
    acks.addLast(new CursorAck(seq, cursor, wordSafe, !hasWords));
    advance();
    return seq;
  }

  /** SegmentsProduced {@code seq} is acknowledged. */
  void acked(long seq) {
    for (CursorAck a : acks) {
      if (a.seq == seq) {
        a.acked = true;
      }
    }
    advance();
  }

  boolean allAcked() {
    return acks.isEmpty();
  }

  /**
   * A recovery connection whose LiveResumed was published and whose acknowledged finals' word-safe point has not
   * reached its switch point: the batch worker cut at S, and only this connection's overlap holds the word across
   * it whole (a final past S may still leave out the word across S).
   */
  boolean owesTheSwitch() {
    return resumeAt >= 0 && ackedWordSafe < resumeAt;
  }

  private void advance() {
    while (!acks.isEmpty() && acks.peekFirst().acked) {
      CursorAck a = acks.pollFirst();
      ackedCursor = Math.max(ackedCursor, a.cursor);
      ackedWordSafe = Math.max(ackedWordSafe, a.wordSafe);
    }
  }
}
