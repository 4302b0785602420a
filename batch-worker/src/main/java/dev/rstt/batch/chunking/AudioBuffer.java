package dev.rstt.batch.chunking;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * One session's contiguous run of buffered PCM16LE on the session timeline, with the source records
 * ({@code R}) whose samples it holds. Cutting takes a prefix out as a {@link Cut}, telling which records
 * contributed to it and which of them are now wholly cut.
 *
 * @param <R> a reference to the source record (its commit bookkeeping)
 */
public final class AudioBuffer<R> {

  /** The samples of one source record, on the session timeline. */
  private record Span<R>(R ref, long fromSample, long toSample) {
  }

  /**
   * A prefix cut out of the buffer.
   *
   * @param startSample session-timeline position of the first frame
   * @param pcm the audio
   * @param refs every source record with samples in the cut
   * @param completed the records of {@code refs} that have no samples left in the buffer
   */
  public record Cut<R>(long startSample, long endSample, byte[] pcm, List<R> refs, List<R> completed) {
  }

  private final int sampleRate;
  private final int channels;
  private long startSample;
  private byte[] data = new byte[0];
  private int length;
  private final Deque<Span<R>> spans = new ArrayDeque<>();

  public AudioBuffer(int sampleRate, int channels, long startSample) {
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.startSample = startSample;
  }

  public int sampleRate() {
    return sampleRate;
  }

  public int channels() {
    return channels;
  }

  public long startSample() {
    return startSample;
  }

  public long endSample() {
    return startSample + frames();
  }

  public long frames() {
    return length / (2L * channels);
  }

  public int bytes() {
    return length;
  }

  public boolean isEmpty() {
    return length == 0;
  }

  /** The buffered audio (a view: valid until the next append or cut). */
  public byte[] data() {
    return data;
  }

  /**
   * Appends {@code pcm[fromByte..]}, which must start at {@link #endSample()}. An empty buffer is moved to
   * {@code atSample}.
   */
  public void append(long atSample, byte[] pcm, int fromByte, R ref) {
    if (isEmpty()) {
      startSample = atSample;
    } else if (atSample != endSample()) {
      throw new IllegalArgumentException("Append at " + atSample + " but the buffer ends at " + endSample());
    }
    int add = pcm.length - fromByte;
    if (length + add > data.length) {
      data = Arrays.copyOf(data, Math.max(length + add, Math.min(2 * data.length, length + add + (1 << 20))));
    }
    System.arraycopy(pcm, fromByte, data, length, add);
    long from = endSample();
    length += add;
    spans.addLast(new Span<>(ref, from, endSample()));
  }

  /** Cuts the first {@code frames} frames out (all when {@code frames} is at least the buffer). */
  public Cut<R> cut(long frames) {
    long n = Math.min(frames, frames());
    int bytes = (int) (n * 2 * channels);
    byte[] pcm = Arrays.copyOf(data, bytes);
    long cutSample = startSample + n;
    List<R> refs = new ArrayList<>();
    List<R> completed = new ArrayList<>();
    for (Span<R> span : spans) {
      if (span.fromSample() >= cutSample) {
        break;
      }
      refs.add(span.ref());
    }
    while (!spans.isEmpty() && spans.peekFirst().toSample() <= cutSample) {
      completed.add(spans.pollFirst().ref());
    }
    Cut<R> cut = new Cut<>(startSample, cutSample, pcm, List.copyOf(refs), List.copyOf(completed));
    System.arraycopy(data, bytes, data, 0, length - bytes);
    length -= bytes;
    startSample = cutSample;
    if (length == 0 || data.length > 4 * Math.max(length, 1 << 16)) {
      data = Arrays.copyOf(data, length); // give memory back after a big cut
    }
    return cut;
  }

  /** The source record of the oldest buffered sample, or null when empty. */
  public R firstRef() {
    return spans.isEmpty() ? null : spans.peekFirst().ref();
  }

  /** Cuts everything out. */
  public Cut<R> cutAll() {
    return cut(frames());
  }
}
