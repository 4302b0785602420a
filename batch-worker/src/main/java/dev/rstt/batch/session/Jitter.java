package dev.rstt.batch.session;

/** Random spreading of retry times (uniform in production, fixed or seeded in tests). */
@FunctionalInterface
public interface Jitter {

  /** A value in [0, bound), or 0 when {@code bound <= 0}. */
  long below(long bound);
}
