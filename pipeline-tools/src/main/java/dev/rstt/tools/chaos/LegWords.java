package dev.rstt.tools.chaos;

import dev.rstt.testsupport.ToneScript.ExpectedWord;
import java.util.ArrayList;
import java.util.List;

/**
 * The words one socket is accountable for, on its own session timeline (seconds from its first frame), each with its
 * index in the script (for order) and whether it must appear. Pure.
 */
final class LegWords {

  /** A word whose end is followed by this much quiet before the end of the audio is whole (emulator: 0.25 ms). */
  static final double WHOLE_MARGIN_S = 0.001;

  record Word(int index, String text, double start, double end, boolean required) {
  }

  private LegWords() {
  }

  /**
   * Script words lying wholly in {@code [firstSample, firstSample + spanSamples)}, shifted to the leg's timeline;
   * required unless {@code requiredEndSample} (on the leg's timeline) is set and the word does not end before it.
   */
  static List<Word> of(List<ExpectedWord> script, int rate, long firstSample, long spanSamples,
      Long requiredEndSample) {
    List<Word> out = new ArrayList<>();
    for (int i = 0; i < script.size(); i++) {
      ExpectedWord w = script.get(i);
      if (w.startSample() < firstSample || w.endSample() > firstSample + spanSamples) {
        continue;
      }
      double start = (w.startSample() - firstSample) / (double) rate;
      double end = (w.endSample() - firstSample) / (double) rate;
      boolean required = requiredEndSample == null || end + WHOLE_MARGIN_S <= requiredEndSample / (double) rate;
      out.add(new Word(i, w.text(), start, end, required));
    }
    return out;
  }

  /** Script words cut by a point on the script timeline (started before it, ended after it). */
  static List<ExpectedWord> straddling(List<ExpectedWord> script, long sample) {
    return script.stream().filter(w -> w.startSample() < sample && w.endSample() > sample).toList();
  }
}
