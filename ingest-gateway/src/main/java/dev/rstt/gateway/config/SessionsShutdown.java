package dev.rstt.gateway.config;

import dev.rstt.common.logging.SessionMdc;
import dev.rstt.gateway.session.AudioPublisher;
import dev.rstt.gateway.session.GatewaySession;
import dev.rstt.gateway.session.SessionRegistry;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.web.reactive.socket.CloseStatus;

/**
 * On shutdown, before the web server stops: every open session ends ({@code server_shutdown}, close 1001),
 * and the gateway waits (at most 10 s) for every session's records, sockets closed earlier included, to be
 * acknowledged while the producer still runs (it depends on the publisher, so the publisher closes after this).
 * A session whose audio Kafka did not take by then is named in an ERROR line: its audio is lost with the process.
 */
public final class SessionsShutdown implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(SessionsShutdown.class);

  private final SessionRegistry registry;
  private volatile boolean running;

  public SessionsShutdown(SessionRegistry registry, AudioPublisher publisher) {
    this.registry = registry;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    if (registry.publishing().isEmpty()) {
      return;
    }
    log.info("Shutting down: ending {} sessions ({} publishing)", registry.size(), registry.publishing().size());
    registry.all().forEach(s -> s.terminate("server_shutdown", CloseStatus.GOING_AWAY.withReason("server shutdown")));
    Collection<GatewaySession> publishing = registry.publishing();
    try {
      CompletableFuture.allOf(publishing.stream().map(GatewaySession::ended).toArray(CompletableFuture[]::new))
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      for (GatewaySession s : publishing) {
        if (!s.ended().isDone()) {
          try (SessionMdc mdc = SessionMdc.of(s.id())) {
            log.error("Shutting down before Kafka acknowledged this session's audio: it is lost, and its transcript "
                + "stays incomplete");
          }
        }
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return Integer.MAX_VALUE - 100; // stops before the web server's graceful shutdown
  }
}
