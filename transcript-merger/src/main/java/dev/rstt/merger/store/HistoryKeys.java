package dev.rstt.merger.store;

/**
 * Keys of the {@code session-history} store (docs/CONTRACT.md section 6.8): the session id, a NUL, a kind and a
 * zero-padded position (or a segment id), so one session's entries of one kind are a contiguous range in
 * position order (RocksDB orders keys by their UTF-8 bytes).
 */
public final class HistoryKeys {

  static final char SEGMENT = 's';
  static final char INDEX = 'i';
  static final char STATUS = 't';

  private HistoryKeys() {
  }

  /** The closed segment at {@code position} (0, 1, 2... in start order). */
  public static String segment(String session, long position) {
    return session + '\u0000' + SEGMENT + pad(position);
  }

  /** The position of the closed segment {@code segmentId}. */
  public static String index(String session, String segmentId) {
    return session + '\u0000' + INDEX + segmentId;
  }

  /** The closed status at {@code position}. */
  public static String status(String session, long position) {
    return session + '\u0000' + STATUS + pad(position);
  }

  /** Inclusive lower bound of every key of {@code session}. */
  public static String first(String session) {
    return session + '\u0000';
  }

  /** Inclusive upper bound of every key of {@code session} (its kinds are ASCII letters, below U+0001 U+007F...). */
  public static String last(String session) {
    return session + '\u0000' + '\u007f';
  }

  private static String pad(long position) {
    return String.format("%019d", position);
  }
}
