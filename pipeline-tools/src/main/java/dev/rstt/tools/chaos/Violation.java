package dev.rstt.tools.chaos;

/** One broken invariant: the chaos session, the pipeline session id, the word (or "-"), and what is wrong. */
public record Violation(String session, String sessionId, String word, String what) {

  /** {@code violation session=s03-2 id=01J... word=w042 lost}. */
  public String line() {
    return "violation session=" + session + " id=" + (sessionId == null ? "-" : sessionId) + " word="
        + (word == null ? "-" : word) + " " + what;
  }
}
