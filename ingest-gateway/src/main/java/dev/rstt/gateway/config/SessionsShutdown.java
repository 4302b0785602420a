package dev.rstt.gateway.config;

import dev.rstt.gateway.session.AudioPublisher;
import dev.rstt.gateway.session.SessionRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.web.reactive.socket.CloseStatus;

/**
 * On shutdown, before the web server stops: every open session ends ({@code server_shutdown}, close 1001)
 * and its SessionEnded is acknowledged while the producer still runs (it depends on the publisher, so the
 * publisher closes after this).
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
    if (registry.size() == 0) {
      return;
    }
    log.info("Shutting down: ending {} sessions", registry.size());
    CompletableFuture<?>[] ends = registry.all().stream().map(s -> {
      s.terminate("server_shutdown", CloseStatus.GOING_AWAY.withReason("server shutdown"));
      return s.ended();
    }).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(ends).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("Not every session ended cleanly at shutdown: {}", e.toString());
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
