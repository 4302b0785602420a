package dev.rstt.merger.merge;

/**
 * One accepted word on the session timeline.
 *
 * @param text the punctuated word as it appears in its segment's text (empty once restored from the store, which
 *     keeps only times)
 * @param start seconds on the session timeline
 * @param end seconds on the session timeline
 * @param sttSession the live connection or batch chunk that transcribed it; null when the producer did not say
 */
public record Word(String text, double start, double end, String sttSession) {

  public double duration() {
    return end - start;
  }
}
