package dev.rstt.emulator.recognizer;

/**
 * Which DTMF symbol a run of samples is, by Goertzel over the whole run: the row and column frequencies that explain
 * (at least 70 % of) its energy, each other row and column below 25 % of them, or none.
 */
final class Dtmf {

  static final int[] ROWS = {697, 770, 852, 941};
  static final int[] COLUMNS = {1209, 1336, 1477, 1633};
  static final String[] KEYPAD = {"123A", "456B", "789C", "*0#D"};

  private final double[] coefficients = new double[8];
  private final int minLevel;

  /** {@code minLevel}: a run whose RMS is below this is not a tone. */
  Dtmf(int sampleRate, int minLevel) {
    this.minLevel = minLevel;
    for (int i = 0; i < 4; i++) {
      coefficients[i] = 2 * Math.cos(2 * Math.PI * ROWS[i] / sampleRate);
      coefficients[4 + i] = 2 * Math.cos(2 * Math.PI * COLUMNS[i] / sampleRate);
    }
  }

  /** The symbol of {@code run[0..n)}, or 0. */
  char classify(short[] run, int n) {
    double energy = 0;
    for (int i = 0; i < n; i++) {
      energy += (double) run[i] * run[i];
    }
    double meanSquare = energy / n;
    if (meanSquare < (double) minLevel * minLevel) {
      return 0;
    }
    double[] amplitude = new double[8];
    for (int k = 0; k < 8; k++) {
      double c = coefficients[k];
      double s1 = 0;
      double s2 = 0;
      for (int i = 0; i < n; i++) {
        double s0 = run[i] + c * s1 - s2;
        s2 = s1;
        s1 = s0;
      }
      double power = s1 * s1 + s2 * s2 - c * s1 * s2;
      amplitude[k] = 2 * Math.sqrt(Math.max(power, 0)) / n;
    }
    int row = argmax(amplitude, 0);
    int col = argmax(amplitude, 4);
    double ar = amplitude[row];
    double ac = amplitude[col];
    for (int k = 0; k < 4; k++) {
      if (k != row && amplitude[k] > 0.25 * ar) {
        return 0;
      }
      if (4 + k != col && amplitude[4 + k] > 0.25 * ac) {
        return 0;
      }
    }
    if (ar < 0.5 * ac || ac < 0.5 * ar) {
      return 0;
    }
    double explained = (ar * ar + ac * ac) / 2;
    if (explained < 0.7 * meanSquare) {
      return 0;
    }
    return KEYPAD[row].charAt(col - 4);
  }

  private static int argmax(double[] a, int from) {
    int best = from;
    for (int k = from + 1; k < from + 4; k++) {
      if (a[k] > a[best]) {
        best = k;
      }
    }
    return best;
  }

}
