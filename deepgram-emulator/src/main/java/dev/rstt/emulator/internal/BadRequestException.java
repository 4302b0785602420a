package dev.rstt.emulator.internal;

/** A request Deepgram would refuse with 400; the message becomes {@code err_msg}. */
public final class BadRequestException extends RuntimeException {

  private final String errCode;

  public BadRequestException(String message) {
    this("Bad Request", message);
  }

  /** With Deepgram's {@code err_code} for this refusal (e.g. {@code INVALID_QUERY_PARAMETER}). */
  public BadRequestException(String errCode, String message) {
    super(message);
    this.errCode = errCode;
  }

  /** The 400 answer. */
  public DgError error() {
    return new DgError(400, errCode, getMessage());
  }
}
