package dev.rstt.common.concurrent;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The one place that looks through the wrappers futures put around a failure. */
public final class AsyncFailures {

  private AsyncFailures() {
  }

  /**
   * The failure inside any number of {@link CompletionException}/{@link ExecutionException} wrappers (a wrapper
   * without a cause is returned as it is).
   */
  public static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
