package dev.rstt.common.logging;

import org.slf4j.MDC;

/**
 * Puts a session's id (and its current {@code stt_session}) in the logging context for the duration of a
 * block, so every log line names the session without repeating it in each message.
 */
public final class SessionMdc implements AutoCloseable {

  public static final String SESSION_ID = "session_id";
  public static final String STT_SESSION = "stt_session";

  private final String previousSession;
  private final String previousStt;

  private SessionMdc(String sessionId, String sttSession) {
    this.previousSession = MDC.get(SESSION_ID);
    this.previousStt = MDC.get(STT_SESSION);
    put(SESSION_ID, sessionId);
    put(STT_SESSION, sttSession);
  }

  public static SessionMdc of(String sessionId) {
    return new SessionMdc(sessionId, null);
  }

  public static SessionMdc of(String sessionId, String sttSession) {
    return new SessionMdc(sessionId, sttSession);
  }

  @Override
  public void close() {
    put(SESSION_ID, previousSession);
    put(STT_SESSION, previousStt);
  }

  private static void put(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
