package dev.rstt.gateway.resume;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a session's records on audio.frames after its last known position say, for a take-over without a release
 * (the holder died, or did not drain in time; docs/CONTRACT.md section 10): the last clean chunk end (the resume
 * point), the highest seq written, and whether the session ended. Records the dead holder still had in flight may
 * land after the scan; they repeat audio the new holder asks the app for again, so the new holder's seqs start
 * {@link #SEQ_JUMP} above the highest one seen (no seq of the old holder can reach them) and the STT worker drops the
 * repeat by app message index and timeline. Pure.
 *
 * <p>A multi-channel session (its known position names every channel, docs/CONTRACT.md section 11) is folded per
 * channel: each channel's end is the end of its last chunk in its sequence; a chunk with a clean
 * {@code app_frames_end} closes a cut of every channel (the holder writes it last of the cut), so the resume point
 * takes every channel's end there. Each channel's seq jumps on its own.
 */
public final class TailFold {

  /** How far a take-over without a release moves seq ahead: more chunks than any gateway can hold unacknowledged. */
  public static final long SEQ_JUMP = 1L << 32;

  private static final class Channel {
    long end;
    long nextSeq;
    long maxSeq;

    Channel(ChannelPoint start) {
      this.end = start.offsetSamples();
      this.nextSeq = start.nextSeq();
      this.maxSeq = start.nextSeq() - 1;
    }
  }

  private ResumePoint point;
  private long maxSeq;
  private boolean ended;
  private final Map<Integer, Channel> channels = new LinkedHashMap<>();

  /** Starts from the session's last known position. */
  public TailFold(ResumePoint from) {
    this.point = from;
    this.maxSeq = from.nextSeq() - 1;
    for (ChannelPoint c : from.channels()) {
      channels.put(c.channel(), new Channel(c));
    }
  }

  /** A chunk of the session at {@code partition}@{@code recordOffset}, in partition order. */
  public void chunk(long seq, long offsetSamples, long frames, Long framesEnd, int partition, long recordOffset) {
    chunk(0, seq, offsetSamples, frames, framesEnd, partition, recordOffset);
  }

  /** A chunk of channel {@code channel} (0: the only one) at {@code partition}@{@code recordOffset}. */
  public void chunk(int channel, long seq, long offsetSamples, long frames, Long framesEnd, int partition,
      long recordOffset) {
    if (channels.isEmpty()) {
      maxSeq = Math.max(maxSeq, seq);
      if (framesEnd != null && framesEnd > point.frames()) {
        point = new ResumePoint(framesEnd, offsetSamples + frames, seq + 1, partition, recordOffset);
      }
      return;
    }
    Channel c = channels.get(channel);
    if (c == null) {
      return; // not a channel of the session
    }
    c.maxSeq = Math.max(c.maxSeq, seq);
    if (seq < c.nextSeq) {
      return; // an earlier holder's record landing late: its audio is on the timeline already
    }
    c.nextSeq = seq + 1;
    c.end = offsetSamples + frames;
    if (framesEnd != null && framesEnd > point.frames()) {
      point = ResumePoint.ofChannels(framesEnd, ends(), partition, recordOffset);
    }
  }

  private List<ChannelPoint> ends() {
    List<ChannelPoint> out = new ArrayList<>();
    channels.forEach((id, c) -> out.add(new ChannelPoint(id, c.end, c.nextSeq)));
    return out;
  }

  /** The session's SessionEnded. */
  public void ended() {
    ended = true;
  }

  public boolean isEnded() {
    return ended;
  }

  /** Where the session resumes: the last clean chunk end seen (or the known position). */
  public ResumePoint point() {
    return point;
  }

  /** The seq the new holder starts at (the first channel's, for a multi-channel session). */
  public long nextSeq() {
    return channels.isEmpty() ? maxSeq + 1 + SEQ_JUMP : start().nextSeq();
  }

  /**
   * Where the new holder starts: {@link #point()} with the seq (every channel's) moved ahead of every seq seen. A
   * channel's timeline restarts at its position at the point's message, not after its later chunks: those repeat.
   */
  public ResumePoint start() {
    if (channels.isEmpty()) {
      return new ResumePoint(point.frames(), point.offsetSamples(), nextSeq(), point.audioPartition(),
          point.audioOffset());
    }
    List<ChannelPoint> at = new ArrayList<>();
    for (ChannelPoint p : point.channels()) {
      Channel c = channels.get(p.channel());
      at.add(new ChannelPoint(p.channel(), p.offsetSamples(), c.maxSeq + 1 + SEQ_JUMP));
    }
    return ResumePoint.ofChannels(point.frames(), at, point.audioPartition(), point.audioOffset());
  }
}
