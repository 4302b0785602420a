package dev.rstt.common.deepgram;

import java.time.Duration;
import java.util.Optional;

/**
 * Deepgram refused or failed a request: an HTTP error on a handshake or a pre-recorded call, or a live socket
 * closed with an error code. Carries what Deepgram said ({@code err_code}, {@code err_msg}, request id).
 */
public class DeepgramException extends RuntimeException {

  private final int status;
  private final DeepgramFailure failure;
  private final String errCode;
  private final String requestId;
  private final Duration retryAfter;

  public DeepgramException(int status, String errCode, String message, String requestId, Duration retryAfter) {
    super("Deepgram " + (status > 0 ? "HTTP " + status : "error") + (errCode != null ? " " + errCode : "")
        + (message != null ? ": " + message : "") + (requestId != null ? " (request " + requestId + ")" : ""));
    this.status = status;
    this.failure = status >= 400 ? DeepgramFailure.ofStatus(status) : DeepgramFailure.TRANSIENT;
    this.errCode = errCode;
    this.requestId = requestId;
    this.retryAfter = retryAfter;
  }

  /** A live socket that died (closed with a non-normal code, stalled, or failed to send). Always transient. */
  public static DeepgramException socketDied(String reason) {
    return new DeepgramException(0, "SOCKET_DIED", reason, null, null);
  }

  /** HTTP status, or 0 for a socket-level failure. */
  public int status() {
    return status;
  }

  public DeepgramFailure failure() {
    return failure;
  }

  public Optional<String> errCode() {
    return Optional.ofNullable(errCode);
  }

  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  /** The server's Retry-After, when it sent one. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
