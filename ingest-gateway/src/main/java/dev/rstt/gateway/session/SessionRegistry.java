package dev.rstt.gateway.session;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions whose sockets this instance holds, by session id; and every session whose records are not all
 * delivered yet, socket or not (a session outlives its socket while Kafka is away), until its {@code ended()}.
 */
public final class SessionRegistry {

  private final Map<String, GatewaySession> sessions = new ConcurrentHashMap<>();
  private final Set<GatewaySession> publishing = ConcurrentHashMap.newKeySet();

  public void add(GatewaySession session) {
    sessions.put(session.id(), session);
    publishing.add(session);
    session.ended().whenComplete((v, e) -> publishing.remove(session));
  }

  /** Sessions whose SessionEnded is not acknowledged yet, with or without a socket. */
  public Collection<GatewaySession> publishing() {
    return List.copyOf(publishing);
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
