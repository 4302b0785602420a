package dev.rstt.gateway.resume;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * How far a session's audio is durable, counted in the app's messages (docs/CONTRACT.md section 10): the end of the
 * last chunk such that it and every chunk before it are acknowledged by Kafka, among chunks that end at a clean
 * message boundary (the decoder held nothing back there: no PCM byte of a split sample frame, no partial ADTS
 * frame), so a gateway resuming the session there with a fresh decoder continues the timeline exactly. Chunks
 * are cut at message boundaries. Pure: no I/O, no clock, no locking (the session serialises); acknowledgements may
 * arrive in any order, the position only moves over a gap-free prefix, so it never runs ahead of Kafka.
 */
public final class DurableLedger {

  private static final class Handed {
    final long seq;
    final Long framesEnd;
    final long endOffset;
    boolean acked;
    int partition;
    long offset;

    Handed(long seq, Long framesEnd, long endOffset) {
      this.seq = seq;
      this.framesEnd = framesEnd;
      this.endOffset = endOffset;
    }
  }

  private final ArrayDeque<Handed> handed = new ArrayDeque<>();
  private ResumePoint durable;

  /** A session that starts (or resumes on this gateway) at {@code start}. */
  public DurableLedger(ResumePoint start) {
    this.durable = start;
  }

  /**
   * A chunk was handed to Kafka.
   *
   * @param framesEnd the chunk's {@code app_frames_end} (null when it ends at an unclean boundary)
   * @param endOffsetSamples the timeline offset after the chunk
   */
  public void published(long seq, Long framesEnd, long endOffsetSamples) {
    handed.addLast(new Handed(seq, framesEnd, endOffsetSamples));
  }

  /** Kafka acknowledged the chunk {@code seq} at {@code partition}@{@code offset}; returns whether the position moved. */
  public boolean acked(long seq, int partition, long offset) {
    for (Handed h : handed) {
      if (h.seq == seq && !h.acked) {
        h.acked = true;
        h.partition = partition;
        h.offset = offset;
        break;
      }
    }
    long before = durable.frames();
    Iterator<Handed> it = handed.iterator();
    while (it.hasNext()) {
      Handed h = it.next();
      if (!h.acked) {
        break;
      }
      it.remove();
      if (h.framesEnd != null && h.framesEnd >= durable.frames()) {
        durable = new ResumePoint(h.framesEnd, h.endOffset, h.seq + 1, h.partition, h.offset);
      }
    }
    return durable.frames() > before;
  }

  /**
   * Kafka acknowledged another record of the session (SessionStarted) at {@code partition}@{@code offset}: while
   * no chunk is outstanding, a scan for the session's later records may start there.
   */
  public void recordAcked(int partition, long offset) {
    if (handed.isEmpty() && offset > durable.audioOffset()) {
      durable = durable.at(partition, offset);
    }
  }

  /** The durable position: never ahead of Kafka's acknowledgements. */
  public ResumePoint durable() {
    return durable;
  }

  /** Chunks handed over and not yet acknowledged. */
  public int outstanding() {
    return handed.size();
  }
}
