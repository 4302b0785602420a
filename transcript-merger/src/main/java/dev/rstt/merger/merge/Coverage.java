package dev.rstt.merger.merge;

import java.util.HashMap;
import java.util.Map;

/**
 * The audio each {@code stt_session} of a session received, as far as its records said: from the lowest
 * {@code covered_from} to the highest {@code covered_to} of its records applied so far, in microseconds on the
 * session timeline. A live connection's finals tile its stream, so this is the stream from its first sample to
 * its last final's cursor; a batch chunk's one record covers the chunk. docs/CONTRACT.md section 6.2.
 *
 * <p>A range can be unknown (a producer with a nonsensical range, or an stt_session whose records were applied
 * before ranges were kept): its words count as lying inside it. Pure; not thread-safe.
 */
public final class Coverage {

  /** A range in microseconds; {@link #UNKNOWN} when it cannot be known. */
  public record Range(long fromUs, long toUs) {

    public static final Range UNKNOWN = new Range(-1, -1);

    public boolean known() {
      return fromUs >= 0 && toUs >= fromUs;
    }

    public double fromSeconds() {
      return fromUs / 1e6;
    }

    public double toSeconds() {
      return toUs / 1e6;
    }
  }

  private final Map<String, Range> bySession = new HashMap<>();

  /**
   * A record of {@code sttSession} covered samples {@code [from, to)} at {@code sampleRate}.
   *
   * @return false when the range is not one (rate not positive, negative or reversed): it is not used, and
   *     the stt_session's range becomes unknown
   */
  public boolean extend(String sttSession, long fromSamples, long toSamples, int sampleRate) {
    if (sttSession == null) {
      return true;
    }
    if (sampleRate <= 0 || fromSamples < 0 || toSamples < fromSamples) {
      bySession.put(sttSession, Range.UNKNOWN);
      return false;
    }
    long from = Math.round(fromSamples * 1e6 / sampleRate);
    long to = Math.round(toSamples * 1e6 / sampleRate);
    Range had = bySession.get(sttSession);
    if (had == null) {
      bySession.put(sttSession, new Range(from, to));
    } else if (had.known()) {
      bySession.put(sttSession, new Range(Math.min(had.fromUs(), from), Math.max(had.toUs(), to)));
    }
    return true;
  }

  /** The range of {@code sttSession}: {@link Range#UNKNOWN} when none is known. */
  public Range of(String sttSession) {
    Range r = sttSession == null ? null : bySession.get(sttSession);
    return r == null ? Range.UNKNOWN : r;
  }

  /** Whether a range (possibly unknown) is held for {@code sttSession}. */
  public boolean has(String sttSession) {
    return bySession.containsKey(sttSession);
  }

  /** Forgets {@code sttSession}'s range once it has left the open tail. */
  void retire(String sttSession) {
    bySession.remove(sttSession);
  }

  /** Rebuilds one stt_session's range from its stored form ({@code -1}: unknown). */
  public void restore(String sttSession, long fromUs, long toUs) {
    Range r = new Range(fromUs, toUs);
    bySession.put(sttSession, r.known() ? r : Range.UNKNOWN);
  }
}
