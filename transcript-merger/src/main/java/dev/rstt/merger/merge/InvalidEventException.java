package dev.rstt.merger.merge;

/** A decoded event that violates the contract (wrong key, times out of range...): dead-lettered, never applied. */
public class InvalidEventException extends RuntimeException {
  public InvalidEventException(String message) {
    super(message);
  }
}
