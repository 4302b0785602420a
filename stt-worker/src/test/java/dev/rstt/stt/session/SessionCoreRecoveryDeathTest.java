package dev.rstt.stt.session;

import static dev.rstt.stt.session.Driver.acked;
import static dev.rstt.stt.session.Driver.c;
import static dev.rstt.stt.session.Driver.chunkInput;
import static dev.rstt.stt.session.Driver.degraded;
import static dev.rstt.stt.session.Driver.done;
import static dev.rstt.stt.session.Driver.fin;
import static dev.rstt.stt.session.Driver.open;
import static dev.rstt.stt.session.Driver.ready;
import static dev.rstt.stt.session.Driver.reroute;
import static dev.rstt.stt.session.Driver.resumed;
import static dev.rstt.stt.session.Driver.send;
import static dev.rstt.stt.session.Driver.startedInput;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A recovery connection that dies (docs/CONTRACT.md section 4): once its LiveResumed is published the batch worker
 * cuts its episode at the switch point S, so until the connection's acknowledged finals pass S its overlap is the
 * only copy of the word across S that is not cut. One line per expected effect.
 *
 * <p>The opening: the breaker refuses the first connection, chunks 0-19 (100 ms each) go to audio.degraded and
 * are acknowledged, the recovery connection stt-1 opens with the last second of them, chunks 10-19 ([16,000,
 * 32,000)), as overlap, and chunk 20 is the switch chunk: S = 32,000.
 */
class SessionCoreRecoveryDeathTest {

  private static final long S = 32_000;

  /** Degraded from chunk 0; chunks 0-19 rerouted and acknowledged; stt-1 open with the overlap 10-19. */
  private static Driver recoveryOpen(Driver d) {
    d.on(startedInput());
    d.on(chunkInput(0));
    d.on(new Input.Denied());
    for (long seq = 1; seq < 20; seq++) {
      d.on(chunkInput(seq));
    }
    for (long seq = 0; seq < 20; seq++) {
      d.on(acked(new AckKey.Reroute(seq)));
    }
    d.on(acked(new AckKey.Degraded(1)));
    d.tickAfter(2_000);
    assertThat(d.on(new Input.Permitted())).containsExactly(open("stt-1", true));
    List<Effect> overlap = new ArrayList<>();
    for (long seq = 10; seq < 20; seq++) {
      overlap.add(send("stt-1", seq));
    }
    overlap.add(ready("stt-1", 16_000));
    assertThat(d.on(new Input.SocketOpened("stt-1"))).containsExactlyElementsOf(overlap);
    assertThat(d.done).as("the overlap is held for the commit: a worker taking over re-reads it")
        .containsExactly(Driver.START, c(0), c(1), c(2), c(3), c(4), c(5), c(6), c(7), c(8), c(9));
    return d;
  }

  /** The switch chunk arrives: LiveResumed at S is published (not acknowledged yet). */
  private static Driver resumeSent() {
    Driver d = recoveryOpen(new Driver());
    assertThat(d.on(chunkInput(20))).containsExactly(resumed("stt-1", S, false));
    return d;
  }

  /** LiveResumed acknowledged: S and chunk 21 sent live on stt-1. */
  private static Driver liveAgain() {
    Driver d = resumeSent();
    assertThat(d.on(acked(new AckKey.LiveResumed("stt-1", false)))).containsExactly(send("stt-1", 20));
    assertThat(d.on(chunkInput(21))).containsExactly(send("stt-1", 21));
    return d;
  }

  /** A final of stt-1 whose window ends {@code seconds} after the overlap's first sample, acknowledged. */
  private static List<Effect> finalAcked(Driver d, double seconds) {
    List<Effect> effects = new ArrayList<>(d.on(fin("stt-1", seconds, "w001")));
    effects.addAll(d.on(acked(new AckKey.Segments("stt-1", 0))));
    return effects;
  }

  @Test
  void shouldRepublishTheOverlapFirstWhenTheRecoveryDiesBeforeItsLiveResumedIsAcknowledged() {
    Driver d = resumeSent();
    assertThat(d.on(new Input.SocketClosed("stt-1", 1011, "boom"))).as("the overlap, then from S").containsExactly(
        new Effect.SocketDied("stt-1", "socket_closed_1011", "boom"),
        new Effect.AbortSocket("stt-1"),
        reroute(10), reroute(11), reroute(12), reroute(13), reroute(14),
        reroute(15), reroute(16), reroute(17), reroute(18), reroute(19),
        reroute(20));
    assertThat(d.on(acked(new AckKey.LiveResumed("stt-1", false)))).isEmpty();
    assertThat(d.on(acked(new AckKey.Reroute(10)))).as("the new episode starts at S, not at the overlap")
        .containsExactly(degraded(2, "socket_closed_1011", S, "stt-1"));
  }

  @Test
  void shouldRepublishOnlyTheOverlapNotFinalisedWhenTheLiveRecoveryDies() {
    Driver d = liveAgain();
    assertThat(finalAcked(d, 0.5)).as("finalised to 24,000: chunks 10-14 are done").containsExactly(
        new Effect.AttemptProved("stt-1"),
        new Effect.Publish(new AckKey.Segments("stt-1", 0), new Outbound.Segments("stt-1", 0, 16_000, 24_000, 16_000,
            ((Input.FinalReceived) fin("stt-1", 0.5, "w001")).result())),
        done(c(10)), done(c(11)), done(c(12)), done(c(13)), done(c(14)));
    assertThat(d.on(new Input.SocketFailed("stt-1", "reset"))).as("what it did not finalise, then S on").containsExactly(
        new Effect.SocketDied("stt-1", "socket_error", "reset"),
        new Effect.AbortSocket("stt-1"),
        reroute(15), reroute(16), reroute(17), reroute(18), reroute(19),
        reroute(20), reroute(21));
    assertThat(d.on(acked(new AckKey.Reroute(15)))).containsExactly(degraded(2, "socket_error", S, "stt-1"));
    assertThat(d.on(acked(new AckKey.Reroute(16)))).as("re-published overlap: held again as a possible overlap")
        .isEmpty();
  }

  @Test
  void shouldRepublishNothingWhenTheRecoveryDiesAfterItsFinalsPassedTheSwitchPoint() {
    Driver d = liveAgain();
    assertThat(d.core.retainedBytes()).as("chunks 10-21 held, the overlap 10-19 retained").isEqualTo(22 * 3_200L);
    assertThat(finalAcked(d, 1.1)).as("finalised to 33,600, past S").containsExactly(
        new Effect.AttemptProved("stt-1"),
        new Effect.Publish(new AckKey.Segments("stt-1", 0), new Outbound.Segments("stt-1", 0, 16_000, 33_600, 16_000,
            ((Input.FinalReceived) fin("stt-1", 1.1, "w001")).result())),
        done(c(10)), done(c(11)), done(c(12)), done(c(13)), done(c(14)), done(c(15)), done(c(16)), done(c(17)),
        done(c(18)), done(c(19)), done(c(20)));
    assertThat(d.core.retainedBytes()).as("the overlap leaves memory: only chunk 21 is held").isEqualTo(3_200L);
    assertThat(d.on(new Input.SocketClosed("stt-1", 1006, ""))).as("the ordinary reroute").containsExactly(
        new Effect.SocketDied("stt-1", "socket_closed_1006", ""),
        new Effect.AbortSocket("stt-1"),
        reroute(21));
    assertThat(d.on(acked(new AckKey.Reroute(21)))).containsExactly(degraded(2, "socket_closed_1006", 33_600, "stt-1"));
  }

  @Test
  void shouldKeepTheEpisodeWhenTheRecoveryDiesBeforeItsLiveResumedIsPublished() {
    Driver d = recoveryOpen(new Driver());
    assertThat(d.on(new Input.SocketClosed("stt-1", 1011, "boom"))).as("the batch worker did not cut: no re-publish")
        .containsExactly(
            new Effect.SocketDied("stt-1", "socket_closed_1011", "boom"),
            new Effect.AbortSocket("stt-1"));
    assertThat(d.core.mode()).isEqualTo(SessionMode.DEGRADED);
    assertThat(d.on(chunkInput(20))).containsExactly(reroute(20));
    assertThat(d.on(acked(new AckKey.Reroute(20)))).as("the same episode, announced once; chunk 10 out of reach")
        .containsExactly(done(c(10)));
    d.tickAfter(2_000);
    assertThat(d.on(new Input.Permitted())).containsExactly(open("stt-2", true));
    assertThat(d.on(new Input.SocketOpened("stt-2"))).as("the next recovery's overlap: the last second again")
        .containsExactly(send("stt-2", 11), send("stt-2", 12), send("stt-2", 13), send("stt-2", 14),
            send("stt-2", 15), send("stt-2", 16), send("stt-2", 17), send("stt-2", 18), send("stt-2", 19),
            send("stt-2", 20));
  }

  @Test
  void shouldLetAWorkerTakingOverStartLiveBeforeTheSwitchPointAfterACrash() {
    Driver a = liveAgain();
    finalAcked(a, 0.5); // finalised to 24,000, then the worker is killed
    long from = a.firstChunkNotDone(22);
    assertThat(from).as("committed below the overlap not finalised").isEqualTo(15);
    Driver b = new Driver(); // the next owner re-reads from the committed offset
    assertThat(b.on(chunkInput(from))).containsExactly(new Effect.AcquirePermission());
    assertThat(b.on(new Input.Permitted())).containsExactly(open("stt-1", false));
    for (long seq = from + 1; seq < 22; seq++) {
      b.on(chunkInput(seq));
    }
    List<Effect> expected = new ArrayList<>(List.of(ready("stt-1", 24_000), resumed("stt-1", 24_000, true)));
    for (long seq = from; seq < 22; seq++) {
      expected.add(send("stt-1", seq));
    }
    assertThat(b.on(new Input.SocketOpened("stt-1"))).as("live from 24,000: the word across S is heard whole")
        .containsExactlyElementsOf(expected);
  }

  @Test
  void shouldNotResumeAtTheStartOfAnEpisodeThatOnlyRepublishedOverlap() {
    Driver d = recoveryOpen(new Driver(Driver.withIdle(Duration.ofSeconds(60))));
    assertThat(d.at(62_000).on(new Input.Tick())).as("idle while resuming: the switch is the end of the audio")
        .contains(resumed("stt-1", S, false));
    d.on(acked(new AckKey.LiveResumed("stt-1", false)));
    assertThat(d.on(new Input.SocketClosed("stt-1", 1011, "boom"))).contains(reroute(10), reroute(19));
    assertThat(d.on(acked(new AckKey.Reroute(10)))).containsExactly(degraded(2, "socket_closed_1011", S, "stt-1"));
    assertThat(d.tickAfter(2_000)).containsExactly(new Effect.AcquirePermission());
    d.on(new Input.Permitted());
    d.on(new Input.SocketOpened("stt-2")); // resuming: LiveResumed waits for the re-published overlap
    assertThat(d.on(chunkInput(20))).isEmpty();
    d.on(acked(new AckKey.Degraded(2)));
    for (long seq = 11; seq < 19; seq++) {
      d.on(acked(new AckKey.Reroute(seq)));
    }
    assertThat(d.on(acked(new AckKey.Reroute(19)))).as("S again would not lie after the episode's start: given up")
        .containsExactly(
            new Effect.AbortSocket("stt-2"),
            reroute(20));
    assertThat(d.core.mode()).isEqualTo(SessionMode.DEGRADED);
    assertThat(d.on(acked(new AckKey.Reroute(20)))).containsExactly(done(c(10)));
    d.tickAfter(200);
    d.on(new Input.Permitted());
    d.on(new Input.SocketOpened("stt-3"));
    assertThat(d.on(chunkInput(21))).as("a switch after the episode's start").containsExactly(
        resumed("stt-3", 33_600, false));
  }
}
