package dev.rstt.stt.session;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The overlap a recovery connection starts with (docs/CONTRACT.md section 4): the retained rerouted audio of the
 * last {@code recovery-overlap} before the switch point, and only the part of it that runs without a gap up to
 * the switch point (a word cut by the last batch chunk must lie wholly in the live overlap).
 */
final class Preroll {

  /** A run of session samples [start, end). */
  interface Span {
    long start();

    long end();
  }

  private Preroll() {
  }

  /**
   * The longest run of {@code retained} (in timeline order) that ends exactly at {@code switchAt}, has no gap,
   * and whose every span ends within the last {@code overlapSamples} before it.
   */
  static <T extends Span> List<T> select(List<T> retained, long switchAt, long overlapSamples) {
    List<T> out = new ArrayList<>();
    long expectedEnd = switchAt;
    for (int i = retained.size() - 1; i >= 0; i--) {
      T span = retained.get(i);
      if (span.end() > switchAt) {
        continue; // after the switch point: not overlap
      }
      if (span.end() != expectedEnd || span.end() <= switchAt - overlapSamples) {
        break;
      }
      out.add(span);
      expectedEnd = span.start();
    }
    Collections.reverse(out);
    return out;
  }

  /** Retained rerouted audio ending at or before this sample can go: it is older than any preroll needs. */
  static long retainAfter(long lastChunkEnd, long overlapSamples, int sampleRate) {
    return lastChunkEnd - overlapSamples - sampleRate; // a second more than the overlap
  }
}
