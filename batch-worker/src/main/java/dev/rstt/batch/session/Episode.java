package dev.rstt.batch.session;

/**
 * One degraded episode of a session as the batch path sees it (docs/CONTRACT.md sections 4-5): from its first
 * accepted degraded sample until the {@code LiveResumed} or {@code SessionEnded} that closes it. Audio is
 * deduplicated by timeline within an episode only: the next episode may begin before this one's resume offset.
 *
 * @param number 1, 2, ... within the session (for logs)
 * @param startSample the first degraded sample of the episode
 */
record Episode(int number, long startSample) {

  /** Seconds of session audio from the episode's first degraded sample to {@code resumeOffset}; 0 without one. */
  static double degradedSeconds(Episode episode, long resumeOffset, int sampleRate) {
    if (episode == null || sampleRate <= 0) {
      return 0.0;
    }
    return Math.max(0, resumeOffset - episode.startSample) / (double) sampleRate;
  }

  /**
   * The end of the episode's degraded audio (the latest sample accepted in it, before a take-over's replay
   * included, so the merger closes every episode that audio belonged to), or null when no episode is open.
   */
  static Long degradedTo(Episode episode, long episodeEnd) {
    return episode == null ? null : episodeEnd;
  }
}
