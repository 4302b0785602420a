package dev.rstt.tools.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.emulator.DeepgramEmulator;
import dev.rstt.emulator.EmulatorSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The injector against a real emulator: unions of overlapping faults, one-off closes confirmed, process actions. */
class FaultInjectorIT {

  private final DeepgramEmulator emulator = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0));

  @AfterEach
  void stop() {
    emulator.close();
  }

  /** Records what the injector asks of the processes. */
  private static final class Recording implements ProcessControl {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    @Override
    public int gateways() {
      return 2;
    }

    @Override
    public boolean canStallBroker() {
      return true;
    }

    @Override
    public void kill(Service service, int index) {
      calls.add("kill " + service + "#" + index);
    }

    @Override
    public void restart(Service service, int index) {
      calls.add("restart " + service + "#" + index);
    }

    @Override
    public void stallBroker() {
      calls.add("stall");
    }

    @Override
    public void resumeBroker() {
      calls.add("resume");
    }

    @Override
    public void releaseAll() {
      calls.add("release");
    }
  }

  @Test
  void shouldCarryOutOverlappingFaultsAsUnionsAndConfirmAOneOffClose() throws Exception {
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    openLiveSocket(closed);
    EmulatorAdmin admin = new EmulatorAdmin(emulator.adminUrl());
    Recording processes = new Recording();
    FaultInjector injector = new FaultInjector(admin, processes, line -> { });
    List<FaultEvent> events = List.of(
        new FaultEvent(1, FaultKind.LIVE_CLOSE_1011, 0, 0, 0),
        new FaultEvent(2, FaultKind.KILL_MERGER, 200, 300, 0),
        new FaultEvent(3, FaultKind.BROKER_STALL, 400, 300, 0),
        new FaultEvent(4, FaultKind.LIVE_HANDSHAKE_503, 1_000, 4_000, 0),
        new FaultEvent(5, FaultKind.PRERECORDED_SLOW, 1_500, 4_000, 2_000),
        new FaultEvent(6, FaultKind.KILL_GATEWAY, 1_600, 200, 1));

    injector.start(events, System.currentTimeMillis() + 300);

    assertThat(closed.get(10, TimeUnit.SECONDS)).as("the open live socket closed by the one-off fault").isEqualTo(1011);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
      JsonNode now = admin.current();
      return now.path("live").path("handshake_status").asInt() == 503
          && now.path("prerecorded").path("delay_ms").asInt() == 2_000;
    });
    assertThat(injector.await(20_000)).isTrue();
    JsonNode after = admin.current();
    assertThat(after.path("live").isNull() || after.path("live").isMissingNode()).as("healthy at the end: %s", after)
        .isTrue();
    assertThat(after.path("prerecorded").isNull() || after.path("prerecorded").isMissingNode()).isTrue();
    assertThat(admin.faultsApplied()).containsEntry("live_close_1011", 1L);
    assertThat(processes.calls).containsSubsequence("kill MERGER#0", "restart MERGER#0")
        .containsSubsequence("stall", "resume").containsSubsequence("kill GATEWAY#1", "restart GATEWAY#1");
    assertThat(injector.applied()).hasSize(6).allSatisfy(a -> {
      assertThat(a.began()).isTrue();
      assertThat(a.error()).isNull();
      assertThat(a.endedAtMs()).isGreaterThanOrEqualTo(a.startedAtMs());
    });
    FaultInjector.Applied close = injector.applied().stream().filter(a -> a.event().id() == 1).findFirst().orElseThrow();
    assertThat(close.endedAtMs() - close.startedAtMs()).as("removed once counted, not after the 3 s wait")
        .isLessThan(2_500);
    injector.releaseAll();
    assertThat(processes.calls).endsWith("release");
  }

  /**
   * How a {@code live_close_1000} is counted, end to end: with no live socket open it meets no client (the emulator's
   * counter stays, the event ends after the 3 s wait, the run lists the kind as unconfirmed); with one open, that socket
   * gets close 1000 mid-stream, the counter moves, the event ends at once and the kind is confirmed.
   */
  @Test
  void shouldConfirmALiveClose1000OnlyWhenItClosedAnOpenLiveSocket() throws Exception {
    EmulatorAdmin admin = new EmulatorAdmin(emulator.adminUrl());
    FaultInjector idle = new FaultInjector(admin, new Recording(), line -> { });
    idle.start(List.of(new FaultEvent(1, FaultKind.LIVE_CLOSE_1000, 0, 0, 0)), System.currentTimeMillis());
    assertThat(idle.await(10_000)).isTrue();
    FaultInjector.Applied missed = idle.applied().get(0);
    assertThat(missed.began()).isTrue();
    assertThat(missed.endedAtMs() - missed.startedAtMs()).as("kept for the 3 s wait: no socket to count it")
        .isGreaterThanOrEqualTo(2_900);
    assertThat(admin.faultsApplied()).containsEntry("live_close_1000", 0L);
    assertThat(ChaosReport.unconfirmed(outcome(idle.applied(), admin))).containsExactly("live_close_1000");
    idle.releaseAll();

    CompletableFuture<Integer> closed = new CompletableFuture<>();
    openLiveSocket(closed).sendBinary(java.nio.ByteBuffer.wrap(new byte[3_200]), true).get(10, TimeUnit.SECONDS);
    FaultInjector met = new FaultInjector(admin, new Recording(), line -> { });
    met.start(List.of(new FaultEvent(2, FaultKind.LIVE_CLOSE_1000, 0, 0, 0)), System.currentTimeMillis());
    assertThat(closed.get(10, TimeUnit.SECONDS)).as("the open live socket closed mid-stream").isEqualTo(1000);
    assertThat(met.await(10_000)).isTrue();
    FaultInjector.Applied hit = met.applied().get(0);
    assertThat(hit.endedAtMs() - hit.startedAtMs()).as("removed once counted").isLessThan(2_500);
    assertThat(admin.faultsApplied()).containsEntry("live_close_1000", 1L);
    assertThat(ChaosReport.unconfirmed(outcome(met.applied(), admin))).isEmpty();
    met.releaseAll();
  }

  /** A live socket to the emulator, open; {@code closed} completes with the close code it gets. */
  private WebSocket openLiveSocket(CompletableFuture<Integer> closed) throws Exception {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().newWebSocketBuilder()
        .header("Authorization", "Token chaos")
        .buildAsync(URI.create(emulator.wsUrl() + "/v1/listen?encoding=linear16&sample_rate=16000"),
            new WebSocket.Listener() {
              @Override
              public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                closed.complete(code);
                return null;
              }
            }).get(10, TimeUnit.SECONDS);
  }

  /** A run's outcome holding only the injections and the emulator's counters (a fresh emulator: totals are deltas). */
  private static ChaosRun.Outcome outcome(List<FaultInjector.Applied> applied, EmulatorAdmin admin) {
    return new ChaosRun.Outcome(null, applied, admin.faultsApplied(), List.of(),
        new ChaosChecker.Result(List.of(), List.of(), 0, 0, 0, 0), List.of(), 0, 0, 0);
  }
}
