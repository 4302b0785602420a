package dev.rstt.gateway.session;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions this instance holds, by session id, with or without a socket (a resumable session outlives its
 * socket for the resume window), until its socket is gone and its {@code ended()} completed (SessionEnded
 * acknowledged, or handed over to another gateway and drained); and every session whose records are not all
 * delivered yet, socket or not (a session outlives its socket while Kafka is away).
 */
public final class SessionRegistry {

  private final Map<String, GatewaySession> sessions = new ConcurrentHashMap<>();
  private final Set<GatewaySession> publishing = ConcurrentHashMap.newKeySet();

  public void add(GatewaySession session) {
    sessions.put(session.id(), session);
    publishing.add(session);
    session.ended().whenComplete((v, e) -> {
      publishing.remove(session);
      if (!session.lingers()) {
        sessions.remove(session.id(), session); // a stopping session's socket still waits for its close
      }
    });
  }

  /** Sessions whose SessionEnded is not acknowledged yet, with or without a socket. */
  public Collection<GatewaySession> publishing() {
    return List.copyOf(publishing);
  }

  public void remove(GatewaySession session) {
    sessions.remove(session.id(), session);
  }

  /**
   * The socket of {@code session} closed: it leaves unless it stays for a resume (open or detached, or stopping with
   * its SessionEnded not yet stored).
   */
  public void socketGone(GatewaySession session) {
    if (!session.lingers()) {
      remove(session);
    }
  }

  public GatewaySession get(String sessionId) {
    return sessionId == null ? null : sessions.get(sessionId);
  }

  public Collection<GatewaySession> all() {
    return sessions.values();
  }

  public int size() {
    return sessions.size();
  }
}
