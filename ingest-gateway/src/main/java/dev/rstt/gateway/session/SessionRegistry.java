package dev.rstt.gateway.session;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The sessions whose sockets this instance holds, by session id. */
public final class SessionRegistry {

  private final Map<String, GatewaySession> sessions = new ConcurrentHashMap<>();

  public void add(GatewaySession session) {
    sessions.put(session.id(), session);
  }

  public void remove(GatewaySession session) {
    sessions.remove(session.id(), session);
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
