package dev.rstt.merger.topology;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a crashed stream thread up to {@code max} times within {@code window}; one more crash in the window
 * shuts the client down (health goes DOWN and the orchestrator restarts the process) instead of looping.
 */
public final class BoundedThreadReplacement implements StreamsUncaughtExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(BoundedThreadReplacement.class);

  private final int max;
  private final Duration window;
  private final Clock clock;
  private final Deque<Instant> replacements = new ArrayDeque<>();
  private final Runnable onDeath;

  public BoundedThreadReplacement(int max, Duration window, Clock clock) {
    this(max, window, clock, () -> { });
  }

  /** @param onDeath called for every dead stream thread (the {@code rstt.merger.stream.thread.deaths} counter) */
  public BoundedThreadReplacement(int max, Duration window, Clock clock, Runnable onDeath) {
    this.max = max;
    this.window = window;
    this.clock = clock;
    this.onDeath = onDeath;
  }

  @Override
  public synchronized StreamThreadExceptionResponse handle(Throwable exception) {
    onDeath.run();
    Instant now = clock.instant();
    while (!replacements.isEmpty() && !replacements.peekFirst().isAfter(now.minus(window))) {
      replacements.pollFirst();
    }
    if (replacements.size() < max) {
      replacements.addLast(now);
      log.error("Stream thread died; replacing it ({} of {} within {})", replacements.size(), max, window,
          exception);
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
    log.error("Stream thread died {} times within {}; shutting the streams client down", max + 1, window,
        exception);
    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
  }
}
