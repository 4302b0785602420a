package dev.rstt.stt.session;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Whether a session's words reach the transcript whole (docs/CONTRACT.md sections 3-5), for the randomized test:
 * the spans each path transcribes in one piece, and the points where the audio is known to be quiet.
 *
 * <p>A live connection transcribes in one piece the audio from its first sample up to its acknowledged final
 * cursor, but a word across that cursor is not in its finals: a final's window may end past its last word, in the
 * pause after it or inside the next word (a Finalize flushes what was sent), so only a final's last word end is a
 * known pause. The batch worker is
 * modelled as it reads audio.degraded: a session's audio in timeline order, a chunk already read in the episode
 * skipped (or trimmed), a gap cutting, and every {@code LiveResumed} and {@code SessionEnded} flushing what it
 * holds as one batch chunk, whose end is cut wherever it falls. A <em>word</em> is any span of a given length with
 * no quiet point strictly inside; it is transcribed whole when one span holds it. The session's first and last
 * samples are quiet.
 */
final class TimelineCoverage {

  private final long end;
  private final List<long[]> spans = new ArrayList<>();
  private final NavigableSet<Long> quiet = new TreeSet<>();

  // the batch worker's reading of audio.degraded
  private long next = -1;
  private long batchStart = -1;
  private long batchEnd = -1;

  TimelineCoverage(long end) {
    this.end = end;
    quiet.add(0L);
    quiet.add(end);
  }

  /** A pause at {@code sample} (the end of a final's last word, an idle close). */
  void quietAt(long sample) {
    quiet.add(sample);
  }

  /** A live connection transcribed [from, to) in one piece (its acknowledged finals). */
  void live(long from, long to) {
    if (to > from) {
      spans.add(new long[] {from, to});
    }
  }

  /** A chunk [from, to) written to audio.degraded. */
  void degradedAudio(long from, long to) {
    if (next >= 0 && to <= next) {
      return; // already read in this episode: a redelivery
    }
    if (next >= 0 && from < next) {
      from = next;
    }
    if (batchStart >= 0 && from != batchEnd) {
      flush(); // a gap cuts
    }
    if (batchStart < 0) {
      batchStart = from;
    }
    batchEnd = to;
    next = to;
  }

  /** LiveResumed on audio.degraded: what is held is one batch chunk, and the next audio is a new episode's. */
  void liveResumed() {
    flush();
    next = -1;
  }

  /** SessionEnded forwarded to audio.degraded (or the batch worker's idle flush at the end of the test). */
  void flush() {
    if (batchStart >= 0) {
      spans.add(new long[] {batchStart, batchEnd});
    }
    batchStart = -1;
  }

  /**
   * The first sample (at a {@code step} grid) that no span holds, or the first word of {@code wordLength} samples
   * that no span holds whole; null when there is none.
   */
  String firstLoss(long step, long... wordLengths) {
    flush();
    // spans by start, with the furthest end of any span starting at or before each: one lookup per position
    List<long[]> sorted = new ArrayList<>(spans);
    sorted.sort((p, q) -> Long.compare(p[0], q[0]));
    long[] starts = new long[sorted.size()];
    long[] reach = new long[sorted.size()];
    long furthest = Long.MIN_VALUE;
    for (int i = 0; i < sorted.size(); i++) {
      starts[i] = sorted.get(i)[0];
      furthest = Math.max(furthest, sorted.get(i)[1]);
      reach[i] = furthest;
    }
    for (long x = 0; x < end; x += step) {
      if (reachFrom(starts, reach, x) <= x) {
        return "sample " + x + " is transcribed by no path; spans " + describe();
      }
    }
    for (long length : wordLengths) {
      for (long a = 0; a + length <= end; a += step) {
        Long pause = quiet.higher(a);
        if (pause != null && pause < a + length) {
          continue; // a pause inside: not one word
        }
        if (reachFrom(starts, reach, a) < a + length) {
          return "a word [" + a + ", " + (a + length) + ") is cut: no path transcribes it whole; spans " + describe()
              + ", pauses " + quiet;
        }
      }
    }
    return null;
  }

  /** The furthest end of the spans that start at or before {@code x}. */
  private static long reachFrom(long[] starts, long[] reach, long x) {
    int i = java.util.Arrays.binarySearch(starts, x);
    if (i < 0) {
      i = -i - 2; // the last start below x
    } else {
      while (i + 1 < starts.length && starts[i + 1] == x) {
        i++;
      }
    }
    return i < 0 ? Long.MIN_VALUE : reach[i];
  }

  private String describe() {
    StringBuilder b = new StringBuilder();
    spans.stream().sorted((p, q) -> Long.compare(p[0], q[0]))
        .forEach(s -> b.append('[').append(s[0]).append(", ").append(s[1]).append(") "));
    return b.toString().trim();
  }
}
