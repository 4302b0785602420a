package dev.rstt.merger.merge;

/**
 * One accepted word on the session timeline.
 *
 * @param text the punctuated word as it appears in its segment's text
 * @param start seconds on the session timeline
 * @param end seconds on the session timeline
 * @param sttSession the live connection or batch chunk that transcribed it; null when the producer did not say
 * @param confidence the recognizer's confidence, 0..1, in steps of 0.001 (as stored); 1 when the producer gave none
 */
public record Word(String text, double start, double end, String sttSession, double confidence) {

  /** A word of full confidence (a producer that gives none, and a value stored before confidences were kept). */
  public Word(String text, double start, double end, String sttSession) {
    this(text, start, end, sttSession, 1.0);
  }

  /** The words of an input segment in time order (blank ones left out; a producer without words: its text). */
  static java.util.List<Word> of(dev.rstt.avro.Segment in, String stt) {
    java.util.List<Word> words = new java.util.ArrayList<>();
    for (dev.rstt.avro.Word w : in.getWords()) {
      if (!w.getText().isBlank()) {
        words.add(new Word(w.getText().strip(), w.getStart(), w.getEnd(), stt, quantize(w.getConfidence())));
      }
    }
    if (words.isEmpty() && !in.getText().isBlank()) {
      words.add(new Word(in.getText().strip(), in.getStart(), in.getEnd(), stt)); // a producer without words
    }
    words.sort(java.util.Comparator.comparingDouble(Word::start));
    return words;
  }

  public double duration() {
    return end - start;
  }

  /** Confidence as stored: thousandths, clamped to 0..1000 (a NaN counts as 0). */
  public static int permille(double confidence) {
    if (Double.isNaN(confidence)) {
      return 0;
    }
    return (int) Math.round(Math.max(0, Math.min(1, confidence)) * 1000);
  }

  /** The confidence the merger works with: the stored resolution, so a restored word compares as the original. */
  public static double quantize(double confidence) {
    return permille(confidence) / 1000.0;
  }
}
