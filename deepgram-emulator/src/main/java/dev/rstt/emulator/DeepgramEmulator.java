package dev.rstt.emulator;

import dev.rstt.emulator.internal.AdminEndpoint;
import dev.rstt.emulator.internal.AdminGuard;
import dev.rstt.emulator.internal.EmulatorState;
import dev.rstt.emulator.internal.LiveEndpoint;
import dev.rstt.emulator.internal.PrerecordedEndpoint;
import dev.rstt.emulator.internal.RealismJson;
import dev.rstt.emulator.internal.Json;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * A Deepgram {@code /v1/listen} stand-in (live WebSocket and pre-recorded POST) that transcribes tone-word audio
 * exactly (or with Deepgram's imperfections when realism is switched on) and fails on command through
 * {@code /__emulator/faults}. The admin API answers loopback clients only unless opened by name. Non-blocking
 * (Reactor Netty): no thread per socket. Embed it in a test with
 * {@code DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0))}.
 */
public final class DeepgramEmulator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DeepgramEmulator.class);

  private final DisposableServer server;
  private final EmulatorState state;
  private final LoopResources loops;

  private DeepgramEmulator(DisposableServer server, EmulatorState state, LoopResources loops) {
    this.server = server;
    this.state = state;
    this.loops = loops;
  }

  /** Binds and starts; {@code settings.port() == 0} picks an ephemeral port. */
  public static DeepgramEmulator start(EmulatorSettings settings) {
    EmulatorState state = new EmulatorState(settings);
    LiveEndpoint live = new LiveEndpoint(state);
    PrerecordedEndpoint prerecorded = new PrerecordedEndpoint(state);
    AdminEndpoint admin = new AdminEndpoint(state);
    AdminGuard guard = new AdminGuard(settings);
    // Own event loops (not Reactor Netty's global ones): a Spring context closing in the same JVM disposes those.
    LoopResources loops = LoopResources.create("deepgram-emulator", 1,
        Math.max(2, Runtime.getRuntime().availableProcessors()), true);
    DisposableServer server;
    try {
      server = bind(settings, loops, live, prerecorded, admin, guard);
    } catch (RuntimeException e) {
      loops.disposeLater().block(Duration.ofSeconds(5));
      throw e;
    }
    DeepgramEmulator emulator = new DeepgramEmulator(server, state, loops);
    log.info("deepgram-emulator listening on {} (idle timeout {}, max live connections {}); admin API for {} "
        + "clients{}; realism {}", emulator.httpUrl(), settings.idleTimeout(), settings.maxLiveConnections(),
        settings.adminAccess().name().toLowerCase(), settings.adminCorsOrigins().isEmpty() ? ""
            : ", CORS for " + settings.adminCorsOrigins(), Json.write(RealismJson.toJson(settings.realism())));
    return emulator;
  }

  private static DisposableServer bind(EmulatorSettings settings, LoopResources loops, LiveEndpoint live,
      PrerecordedEndpoint prerecorded, AdminEndpoint admin, AdminGuard guard) {
    return HttpServer.create()
        .runOn(loops)
        .host(settings.bindAddress())
        .port(settings.port())
        // closes a connection that sends no request for this long; a live socket, once upgraded, has its own
        .idleTimeout(settings.httpIdleTimeout())
        .route(routes -> routes
            .get("/v1/listen", live::handle)
            .post("/v1/listen", prerecorded::handle)
            .put("/__emulator/faults", guard.guard(admin::putFaults))
            .delete("/__emulator/faults", guard.guard(admin::deleteFaults))
            .get("/__emulator/faults", guard.guard(admin::getFaults))
            .put("/__emulator/realism", guard.guard(admin::putRealism))
            .delete("/__emulator/realism", guard.guard(admin::deleteRealism))
            .get("/__emulator/realism", guard.guard(admin::getRealism))
            .get("/__emulator/stats", guard.guard(admin::stats))
            .get("/__emulator/requests", guard.guard(admin::requests))
            .delete("/__emulator/requests", guard.guard(admin::clearRequests))
            .options("/__emulator/faults", guard::preflight)
            .options("/__emulator/realism", guard::preflight)
            .options("/__emulator/stats", guard::preflight)
            .get("/health", admin::health))
        .bindNow(Duration.ofSeconds(10));
  }

  public int port() {
    return server.port();
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String httpUrl() {
    return "http://127.0.0.1:" + port();
  }

  /**
   * Base URL of the admin API ({@code /__emulator/faults}, {@code /__emulator/realism}, {@code /__emulator/stats}):
   * today the same port as {@link #httpUrl()}, reachable from loopback unless opened; use this for admin calls.
   */
  public String adminUrl() {
    return httpUrl();
  }

  /** {@code ws://127.0.0.1:<port>}. */
  public String wsUrl() {
    return "ws://127.0.0.1:" + port();
  }

  public EmulatorSettings settings() {
    return state.settings();
  }

  /**
   * The newest {@code /v1/listen} requests that got past auth and injected faults, oldest first, with their query and
   * answer status (also {@code GET /__emulator/requests}): what the clients asked Deepgram for.
   */
  public java.util.List<RecordedRequest> requests() {
    return state.requests();
  }

  /** The counters of {@code GET /__emulator/stats}, for tests that embed the emulator. */
  public Map<String, Object> stats() {
    return state.stats().toJson();
  }

  @Override
  public void close() {
    try {
      server.disposeNow(Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      log.warn("deepgram-emulator did not stop cleanly: {}", e.toString());
    } finally {
      loops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)).block(Duration.ofSeconds(5));
    }
  }
}
