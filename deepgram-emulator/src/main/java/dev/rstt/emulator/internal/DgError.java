package dev.rstt.emulator.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/** Deepgram's error bodies: {@code {err_code, err_msg, request_id}}, also used for handshake refusals. */
public record DgError(int status, String errCode, String errMsg) {

  public static DgError forStatus(int status) {
    return switch (status) {
      case 400 -> new DgError(400, "Bad Request", "Invalid query string.");
      case 401 -> new DgError(401, "INVALID_AUTH", "Invalid credentials.");
      case 402 -> new DgError(402, "ASR_PAYMENT_REQUIRED",
          "Project does not have enough credits for an ASR request and does not have an overage agreement.");
      case 403 -> new DgError(403, "INSUFFICIENT_PERMISSIONS", "Project does not have access to the requested model.");
      case 408 -> new DgError(408, "REQUEST_TIMEOUT", "Request timed out.");
      case 413 -> new DgError(413, "PAYLOAD_TOO_LARGE", "Payload too large.");
      case 429 -> new DgError(429, "TOO_MANY_REQUESTS", "Too many requests. Please try again later");
      case 500 -> new DgError(500, "INTERNAL_SERVER_ERROR", "Internal server error. Please try again later");
      case 502 -> new DgError(502, "Bad Gateway", "Please try again later");
      case 503 -> new DgError(503, "Service Unavailable", "Please try again later");
      case 504 -> new DgError(504, "Gateway Timeout", "Please try again later");
      default -> new DgError(status, status >= 500 ? "INTERNAL_SERVER_ERROR" : "Bad Request",
          status >= 500 ? "Please try again later" : "Request failed.");
    };
  }

  public static DgError badRequest(String message) {
    return new DgError(400, "Bad Request", message);
  }

  public String body(String requestId) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("err_code", errCode);
    m.put("err_msg", errMsg);
    m.put("request_id", requestId);
    return Json.write(m);
  }
}
