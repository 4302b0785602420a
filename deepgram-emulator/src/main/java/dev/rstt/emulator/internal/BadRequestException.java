package dev.rstt.emulator.internal;

/** A request Deepgram would refuse with 400; the message becomes {@code err_msg}. */
public final class BadRequestException extends RuntimeException {
  public BadRequestException(String message) {
    super(message);
  }
}
