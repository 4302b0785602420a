package dev.rstt.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.gateway.GatewayMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.socket.CloseStatus;

/**
 * The ordering a resumed socket is promised (docs/CONTRACT.md section 10): {@code session_resumed} first, then
 * {@code audio_durable}; never a frame decided for the socket it replaced. Before frames were queued under the
 * lock {@code attach} takes, an {@code audio_durable} decided for the old socket could reach the new one first.
 */
class SessionOutboundTest {

  private static final int RESUMES = 2_000;

  @Test
  void shouldNeverQueueADurableFrameOnAResumedSocketBeforeItsSessionResumed() throws Exception {
    SessionOutbound app = new SessionOutbound(new Outbound(64),
        new GatewayMetrics(new SimpleMeterRegistry(), () -> 0), 0);
    AtomicBoolean resuming = new AtomicBoolean(true);
    AtomicLong decided = new AtomicLong();
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Void> announcer = CompletableFuture.runAsync(() -> {
      long frames = 0;
      while (resuming.get()) {
        long position = ++frames;
        app.durable(position, position, false, () -> "audio_durable " + position, at -> { });
        decided.incrementAndGet();
        started.countDown();
      }
    });
    // on a loaded machine the announcer's thread may start late or be descheduled for a while: the resumes race it
    // only while it runs, so they go on until it has decided as many frames as there are resumes
    assertThat(started.await(30, TimeUnit.SECONDS)).as("announcer started").isTrue();
    long before = decided.get();
    List<Outbound> resumed = new ArrayList<>();
    for (int i = 0; i < RESUMES || (decided.get() - before < RESUMES && i < 100 * RESUMES); i++) {
      Outbound next = new Outbound(64); // a full queue only refuses further frames
      resumed.add(next);
      app.attach(next, status -> { });
      assertThat(app.send("session_resumed")).isTrue();
      app.snapshotSent(-1);
      Thread.onSpinWait();
    }
    resuming.set(false);
    announcer.get();

    int announced = 0;
    for (Outbound out : resumed) {
      out.finish(CloseStatus.NORMAL);
      List<String> frames = out.flux().collectList().block(Duration.ofSeconds(5));
      assertThat(frames).as("frames of a resumed socket").isNotEmpty();
      assertThat(frames.get(0)).as("first frame of a resumed socket").isEqualTo("session_resumed");
      announced += frames.size() - 1;
    }
    assertThat(announced).as("durable frames reached resumed sockets at all").isPositive();
  }

  private static dev.rstt.avro.SessionUpdate update(long revision, boolean complete) {
    return dev.rstt.avro.SessionUpdate.newBuilder().setSessionId("S1").setRevision(revision)
        .setSegments(List.of()).setStatus(null).setComplete(complete).build();
  }

  @Test
  void shouldCallTheTranscriptCompleteOnlyOnceItsUpdateIsNoLongerHeldForASnapshot() {
    SessionOutbound app = new SessionOutbound(new Outbound(64),
        new GatewayMetrics(new SimpleMeterRegistry(), () -> 0), 0);
    app.attach(new Outbound(64), status -> { }); // a resumed socket: its snapshot is being fetched
    assertThat(app.deliver(update(5, true))).isTrue();
    assertThat(app.complete).as("complete while its update waits for the snapshot").isNotDone();
    assertThat(app.snapshotSent(3)).isTrue();
    assertThat(app.complete).isDone();

    SessionOutbound shown = new SessionOutbound(new Outbound(64),
        new GatewayMetrics(new SimpleMeterRegistry(), () -> 0), 0);
    shown.attach(new Outbound(64), status -> { });
    shown.deliver(update(5, true));
    shown.snapshotSent(9); // the snapshot already showed it: the held update is dropped as older
    assertThat(shown.complete).isDone();

    SessionOutbound live = new SessionOutbound(new Outbound(64),
        new GatewayMetrics(new SimpleMeterRegistry(), () -> 0), 0);
    live.deliver(update(1, false));
    assertThat(live.complete).isNotDone();
    live.deliver(update(2, true));
    assertThat(live.complete).isDone();
  }
}
