package dev.rstt.gateway.resume;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;

/**
 * How far a session's audio is durable, counted in the app's messages (docs/CONTRACT.md section 10): the end of the
 * last chunk such that it and every chunk before it are acknowledged by Kafka, among chunks that end at a clean
 * message boundary (the decoder held nothing back there: no PCM byte of a split sample frame, no partial ADTS
 * frame), so a gateway resuming the session there with a fresh decoder continues the timeline exactly. Chunks
 * are cut at message boundaries. Pure: no I/O, no clock, no locking (the session serialises); acknowledgements may
 * arrive in any order, the position only moves over a gap-free prefix, so it never runs ahead of Kafka.
 *
 * <p>A multi-channel session (docs/CONTRACT.md section 11) hands every channel's chunks to one ledger, in the order
 * they are published; each channel numbers its seqs from its own 0, so a chunk is named by channel and seq. Its
 * channels are cut at the same app message, and only the last chunk of such a cut names the message (a clean
 * {@code framesEnd}) and every channel's numbers there: the position moves to a cut once every chunk of every channel
 * up to it is acknowledged, the least far any channel is durable.
 */
public final class DurableLedger {

  private static final class Handed {
    final int channel;
    final long seq;
    final Long framesEnd;
    final long endOffset;
    final List<ChannelPoint> channels;
    boolean acked;
    int partition;
    long offset;

    Handed(int channel, long seq, Long framesEnd, long endOffset, List<ChannelPoint> channels) {
      this.channel = channel;
      this.seq = seq;
      this.framesEnd = framesEnd;
      this.endOffset = endOffset;
      this.channels = channels;
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
    handed.addLast(new Handed(0, seq, framesEnd, endOffsetSamples, List.of()));
  }

  /**
   * A chunk of channel {@code channel} of a multi-channel session was handed to Kafka.
   *
   * @param framesEnd the cut's app message when this chunk is the last of a clean cut, else null
   * @param channelsAtEnd every channel's numbers after the cut (used when {@code framesEnd} is not null)
   */
  public void published(int channel, long seq, Long framesEnd, List<ChannelPoint> channelsAtEnd) {
    if (framesEnd != null && channelsAtEnd.isEmpty()) {
      throw new IllegalArgumentException("a cut of a multi-channel session names every channel's numbers");
    }
    handed.addLast(new Handed(channel, seq, framesEnd, 0, List.copyOf(channelsAtEnd)));
  }

  /** Kafka acknowledged the chunk {@code seq} at {@code partition}@{@code offset}; returns whether the position moved. */
  public boolean acked(long seq, int partition, long offset) {
    return acked(0, seq, partition, offset);
  }

  /**
   * Kafka acknowledged chunk {@code seq} of channel {@code channel} at {@code partition}@{@code offset}; returns
   * whether the position moved.
   */
  public boolean acked(int channel, long seq, int partition, long offset) {
    for (Handed h : handed) {
      if (h.channel == channel && h.seq == seq && !h.acked) {
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
        durable = h.channels.isEmpty() ? new ResumePoint(h.framesEnd, h.endOffset, h.seq + 1, h.partition, h.offset)
            : ResumePoint.ofChannels(h.framesEnd, h.channels, h.partition, h.offset);
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
