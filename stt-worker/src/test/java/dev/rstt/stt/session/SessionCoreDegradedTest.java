package dev.rstt.stt.session;

import static dev.rstt.stt.session.Driver.END;
import static dev.rstt.stt.session.Driver.acked;
import static dev.rstt.stt.session.Driver.c;
import static dev.rstt.stt.session.Driver.chunkAt;
import static dev.rstt.stt.session.Driver.chunkInput;
import static dev.rstt.stt.session.Driver.degraded;
import static dev.rstt.stt.session.Driver.done;
import static dev.rstt.stt.session.Driver.endedInput;
import static dev.rstt.stt.session.Driver.fin;
import static dev.rstt.stt.session.Driver.liveFinished;
import static dev.rstt.stt.session.Driver.open;
import static dev.rstt.stt.session.Driver.ready;
import static dev.rstt.stt.session.Driver.refused;
import static dev.rstt.stt.session.Driver.reroute;
import static dev.rstt.stt.session.Driver.resumed;
import static dev.rstt.stt.session.Driver.send;
import static dev.rstt.stt.session.Driver.startedInput;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.common.deepgram.DeepgramFailure;
import org.junit.jupiter.api.Test;

/** The switches of docs/CONTRACT.md section 4, driven on the core alone: one line per expected effect. */
class SessionCoreDegradedTest {

  private static final String EOS = "SessionEnded forwarded";

  /** LIVE on stt-1 with chunks 0 and 1 sent, then the socket closes 1011. */
  private static Driver degradedAfterClose() {
    Driver d = new Driver().live();
    d.on(chunkInput(1));
    assertThat(d.on(new Input.SocketClosed("stt-1", 1011, "boom"))).containsExactly(
        new Effect.SocketDied("stt-1", "socket_closed_1011", "boom"),
        new Effect.AbortSocket("stt-1"),
        reroute(0),
        reroute(1));
    return d;
  }

  @Test
  void shouldAnnounceSttDegradedOnceAfterTheFirstRerouteIsAcknowledged() {
    Driver d = degradedAfterClose();
    assertThat(d.on(acked(new AckKey.Reroute(1)))).as("naming the connection that died").containsExactly(
        degraded(1, "socket_closed_1011", 0, "stt-1"));
    assertThat(d.on(acked(new AckKey.Reroute(0)))).as("held: the last second of degraded audio").isEmpty();
    assertThat(d.on(chunkInput(2))).containsExactly(reroute(2));
    assertThat(d.on(acked(new AckKey.Reroute(2)))).as("once per episode").isEmpty();
  }

  @Test
  void shouldHoldTheLastSecondOfAcknowledgedDegradedAudioUntilLaterAudioIsAcknowledged() {
    Driver d = degradedAfterClose(); // chunks 0 and 1 rerouted
    d.on(acked(new AckKey.Reroute(0)));
    d.on(acked(new AckKey.Reroute(1)));
    for (long seq = 2; seq < 10; seq++) {
      assertThat(d.on(chunkInput(seq))).containsExactly(reroute(seq));
      assertThat(d.on(acked(new AckKey.Reroute(seq)))).as("a worker taking over must start live a second before "
          + "the end of the audio the batch worker has: chunk " + seq).isEmpty();
    }
    d.on(chunkInput(10));
    assertThat(d.on(acked(new AckKey.Reroute(10)))).as("chunk 0 ends a whole second before chunk 10")
        .containsExactly(done(c(0)));
    d.on(chunkInput(11));
    assertThat(d.on(acked(new AckKey.Reroute(11)))).containsExactly(done(c(1)));
    assertThat(d.core.retainedBytes()).as("held chunks 2-11 and the retained overlap 0-11, 3,200 bytes each")
        .isEqualTo((10 + 12) * 3_200L);
  }

  @Test
  void shouldHoldAForwardedSessionEndedUntilSttDegradedIsAcknowledged() {
    Driver d = degradedAfterClose();
    assertThat(d.on(endedInput(2))).as("held: batch_finished must not overtake stt_degraded").isEmpty();
    assertThat(d.on(acked(new AckKey.Reroute(0)))).containsExactly(degraded(1, "socket_closed_1011", 0, "stt-1"));
    assertThat(d.on(acked(new AckKey.Reroute(1)))).isEmpty();
    assertThat(d.on(acked(new AckKey.Degraded(1)))).as(EOS).containsExactly(
        new Effect.Publish(new AckKey.EndForwarded(), new Outbound.EndForward(Driver.ended(2))));
    assertThat(d.on(acked(new AckKey.EndForwarded()))).as("the held chunks are done when the session is")
        .containsExactly(done(c(0)), done(c(1)), done(END), new Effect.Finished());
  }

  @Test
  void shouldForwardTheEndAtOnceWhenSttDegradedAndEveryRerouteAreAcknowledged() {
    Driver d = degradedAfterClose();
    d.on(acked(new AckKey.Reroute(0)));
    d.on(acked(new AckKey.Reroute(1)));
    d.on(acked(new AckKey.Degraded(1)));
    assertThat(d.on(endedInput(2))).as(EOS).containsExactly(
        new Effect.Publish(new AckKey.EndForwarded(), new Outbound.EndForward(Driver.ended(2))));
  }

  @Test
  void shouldFinishLiveWhenDegradedWithNothingToReroute() {
    Driver d = new Driver().live();
    d.on(fin("stt-1", 0.1, "w000")); // its word ends at its end: nothing can be left behind
    d.on(acked(new AckKey.Segments("stt-1", 0)));
    assertThat(d.on(new Input.SocketFailed("stt-1", "reset"))).containsExactly(
        new Effect.SocketDied("stt-1", "socket_error", "reset"),
        new Effect.AbortSocket("stt-1"));
    assertThat(d.on(endedInput(1))).containsExactly(liveFinished(null, 1600));
  }

  @Test
  void shouldResumeWithOnlyTheContiguousRetainedOverlapBeforeTheSwitch() {
    Driver d = new Driver();
    d.on(startedInput());
    assertThat(d.on(chunkInput(0))).containsExactly(new Effect.AcquirePermission());
    assertThat(d.on(new Input.Denied())).containsExactly(reroute(0));
    for (long seq = 1; seq < 20; seq++) {
      long offset = seq * 1600 + (seq >= 15 ? 800 : 0); // a gap before chunk 15
      d.on(new Input.Chunk(chunkAt(seq, offset), c(seq)));
    }
    for (long seq = 0; seq < 20; seq++) {
      d.on(acked(new AckKey.Reroute(seq)));
    }
    d.on(acked(new AckKey.Degraded(1)));
    assertThat(d.tickAfter(1_999)).isEmpty();
    assertThat(d.tickAfter(1)).as("reconnect-delay after the first failure").containsExactly(
        new Effect.AcquirePermission());
    assertThat(d.on(new Input.Permitted())).containsExactly(open("stt-1", true));
    assertThat(d.on(new Input.SocketOpened("stt-1"))).as("the 5 chunks after the gap, then ready").containsExactly(
        new Effect.SendAudio("stt-1", chunkAt(15, 24_800)),
        new Effect.SendAudio("stt-1", chunkAt(16, 26_400)),
        new Effect.SendAudio("stt-1", chunkAt(17, 28_000)),
        new Effect.SendAudio("stt-1", chunkAt(18, 29_600)),
        new Effect.SendAudio("stt-1", chunkAt(19, 31_200)),
        ready("stt-1", 24_800));
    assertThat(d.on(new Input.Chunk(chunkAt(20, 32_800), c(20)))).as("the switch chunk").containsExactly(
        resumed("stt-1", 32_800, false));
    assertThat(d.on(acked(new AckKey.LiveResumed("stt-1", false)))).as("audio before the gap is no overlap any more")
        .containsExactly(done(c(10)), done(c(11)), done(c(12)), done(c(13)), done(c(14)),
            new Effect.SendAudio("stt-1", chunkAt(20, 32_800)));
    assertThat(d.core.mode()).isEqualTo(SessionMode.LIVE);
    assertThat(d.core.episodeStep()).isNull();
  }

  @Test
  void shouldPrerollTheLastSecondOfRetainedAudio() {
    Driver d = new Driver();
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
    d.on(new Input.Permitted());
    assertThat(d.on(new Input.SocketOpened("stt-1"))).containsExactly(
        send("stt-1", 10), send("stt-1", 11), send("stt-1", 12), send("stt-1", 13), send("stt-1", 14),
        send("stt-1", 15), send("stt-1", 16), send("stt-1", 17), send("stt-1", 18), send("stt-1", 19),
        ready("stt-1", 16_000));
    Input.FinalReceived f = fin("stt-1", 1.2, "w001");
    d.on(chunkInput(20));
    d.on(acked(new AckKey.LiveResumed("stt-1", false)));
    assertThat(d.on(f)).containsExactly(
        new Effect.AttemptProved("stt-1"),
        new Effect.Publish(new AckKey.Segments("stt-1", 0),
            new Outbound.Segments("stt-1", 0, 16_000, 35_200, 16_000, f.result())));
    assertThat(d.on(acked(new AckKey.Segments("stt-1", 0)))).as("the overlap, held until finalised, and S")
        .containsExactly(done(c(10)), done(c(11)), done(c(12)), done(c(13)), done(c(14)), done(c(15)), done(c(16)),
            done(c(17)), done(c(18)), done(c(19)), done(c(20)));
    assertThat(d.core.retainedBytes()).as("nothing held once the connection's finals passed S").isZero();
  }

  @Test
  void shouldHoldLiveResumedUntilSttDegradedIsAcknowledged() {
    Driver d = degradedAfterClose();
    d.on(acked(new AckKey.Reroute(0)));
    d.on(acked(new AckKey.Reroute(1)));
    d.tickAfter(2_000);
    d.on(new Input.Permitted());
    d.on(new Input.SocketOpened("stt-2"));
    assertThat(d.on(chunkInput(2))).as("stt_degraded not acknowledged yet").isEmpty();
    assertThat(d.on(acked(new AckKey.Degraded(1)))).containsExactly(resumed("stt-2", 3_200, false));
  }

  @Test
  void shouldSendLiveResumedOnlyAfterEveryRerouteIsAcknowledged() {
    Driver d = degradedAfterClose(); // chunks 0 and 1 rerouted
    d.on(acked(new AckKey.Reroute(0)));
    d.on(acked(new AckKey.Degraded(1)));
    d.tickAfter(2_000);
    d.on(new Input.Permitted());
    d.on(new Input.SocketOpened("stt-2"));
    assertThat(d.on(chunkInput(2))).as("chunk 1 may still be on its way to audio.degraded").isEmpty();
    assertThat(d.on(acked(new AckKey.Reroute(1)))).containsExactly(resumed("stt-2", 3_200, false));
  }

  @Test
  void shouldForwardTheEndOnlyAfterEveryRerouteIsAcknowledged() {
    Driver d = degradedAfterClose();
    d.on(acked(new AckKey.Reroute(0)));
    d.on(acked(new AckKey.Degraded(1)));
    assertThat(d.on(endedInput(2))).as("chunk 1 not written yet").isEmpty();
    assertThat(d.on(acked(new AckKey.Reroute(1)))).containsExactly(
        new Effect.Publish(new AckKey.EndForwarded(), new Outbound.EndForward(Driver.ended(2))));
  }

  @Test
  void shouldResumeAtTheEndOfTheAudioWhenTheSessionGoesIdleWhileResuming() {
    Driver d = new Driver(Driver.withIdle(java.time.Duration.ofSeconds(60)));
    d.live();
    d.on(chunkInput(1));
    d.on(new Input.SocketClosed("stt-1", 1011, "boom"));
    d.on(acked(new AckKey.Reroute(0)));
    d.on(acked(new AckKey.Reroute(1)));
    d.on(acked(new AckKey.Degraded(1)));
    d.tickAfter(2_000);
    d.on(new Input.Permitted());
    d.on(new Input.SocketOpened("stt-2")); // resuming; the gateway went quiet without SessionEnded
    assertThat(d.at(59_999).on(new Input.Tick())).doesNotHaveAnyElementsOfTypes(Effect.Publish.class);
    assertThat(d.at(60_000).on(new Input.Tick())).as("no switch chunk will come: switch at the end of the audio")
        .contains(resumed("stt-2", 3_200, false));
    assertThat(d.on(acked(new AckKey.LiveResumed("stt-2", false)))).isEmpty();
    assertThat(d.core.mode()).isEqualTo(SessionMode.LIVE);
    assertThat(d.tickAfter(100)).as("then closed as any idle live session").contains(
        new Effect.CloseStream("stt-2"));
  }

  @Test
  void shouldOpenANewEpisodeWithTheOverlapWhenTheRecoverySocketDiesAfterLiveResumed() {
    Driver d = degradedAfterClose();
    d.on(acked(new AckKey.Reroute(0)));
    d.on(acked(new AckKey.Reroute(1)));
    d.on(acked(new AckKey.Degraded(1)));
    d.tickAfter(2_000);
    d.on(new Input.Permitted());
    d.on(new Input.SocketOpened("stt-2")); // overlap: chunks 0 and 1
    d.on(chunkInput(2)); // LiveResumed at 3,200 published, not acknowledged yet
    assertThat(d.on(new Input.SocketClosed("stt-2", 1006, ""))).as("the overlap first, then from S").containsExactly(
        new Effect.SocketDied("stt-2", "socket_closed_1006", ""),
        new Effect.AbortSocket("stt-2"),
        reroute(0),
        reroute(1),
        reroute(2));
    assertThat(d.on(acked(new AckKey.LiveResumed("stt-2", false)))).as("of the connection given up").isEmpty();
    assertThat(d.on(acked(new AckKey.Reroute(0)))).as("the episode starts at S").containsExactly(
        degraded(2, "socket_closed_1006", 3_200, "stt-2"));
  }

  @Test
  void shouldGoLiveWithoutLiveResumedWhenTheEpisodeReroutedNothing() {
    Driver d = new Driver().live();
    d.on(fin("stt-1", 0.1, "w000")); // its word ends at its end: nothing can be left behind
    d.on(acked(new AckKey.Segments("stt-1", 0)));
    d.on(new Input.SocketFailed("stt-1", "reset")); // everything was covered: nothing rerouted
    d.tickAfter(2_000);
    d.on(new Input.Permitted());
    d.on(new Input.SocketOpened("stt-2"));
    assertThat(d.on(chunkInput(1))).containsExactly(send("stt-2", 1));
  }

  @Test
  void shouldAbandonARecoveryWhenTheSessionEnds() {
    Driver d = degradedAfterClose();
    d.on(acked(new AckKey.Reroute(0)));
    d.on(acked(new AckKey.Reroute(1)));
    d.on(acked(new AckKey.Degraded(1)));
    d.tickAfter(2_000);
    d.on(new Input.Permitted());
    assertThat(d.on(endedInput(2))).containsExactly(
        new Effect.AbortSocket("stt-2"),
        new Effect.Publish(new AckKey.EndForwarded(), new Outbound.EndForward(Driver.ended(2))));
  }

  // ---- failure classes

  @Test
  void shouldNotRetryLiveBeforeTheOpenWaitAfterAPermanentRefusal() {
    Driver d = new Driver();
    d.on(startedInput());
    d.on(chunkInput(0));
    d.on(new Input.Permitted());
    assertThat(d.on(refused("stt-1", 401))).containsExactly(reroute(0));
    assertThat(d.on(acked(new AckKey.Reroute(0)))).as("no connection opened").containsExactly(
        degraded(1, "handshake_401", 0, null));
    assertThat(d.tickAfter(29_999)).isEmpty();
    assertThat(d.tickAfter(1)).containsExactly(new Effect.AcquirePermission());
  }

  @Test
  void shouldBackOffExponentiallyAfterTransientRefusals() {
    Driver d = new Driver();
    d.on(startedInput());
    d.on(chunkInput(0));
    d.on(new Input.Permitted());
    assertThat(d.on(refused("stt-1", 503))).containsExactly(reroute(0));
    assertThat(d.tickAfter(2_000)).containsExactly(new Effect.AcquirePermission());
    assertThat(d.on(new Input.Permitted())).containsExactly(open("stt-2", true));
    assertThat(d.on(refused("stt-2", 429))).isEmpty();
    assertThat(d.tickAfter(3_999)).isEmpty();
    assertThat(d.tickAfter(1)).as("4 s after the second failure").containsExactly(new Effect.AcquirePermission());
    assertThat(d.on(new Input.Denied())).isEmpty();
    assertThat(d.tickAfter(199)).isEmpty();
    assertThat(d.tickAfter(1)).as("a refused permission retries after 200 ms").containsExactly(
        new Effect.AcquirePermission());
  }

  @Test
  void shouldDegradeOnAnIoErrorOfTheHandshake() {
    Driver d = new Driver();
    d.on(chunkInput(0));
    d.on(new Input.Permitted());
    d.on(new Input.ConnectFailed("stt-1", DeepgramFailure.TRANSIENT, "connect_IOException", "refused"));
    assertThat(d.on(acked(new AckKey.Reroute(0)))).containsExactly(degraded(1, "connect_IOException", 0, null));
  }

  @Test
  void shouldDegradeAtOnceWhenTheBreakerRefuses() {
    Driver d = new Driver();
    d.on(chunkInput(0));
    assertThat(d.on(new Input.Denied())).containsExactly(reroute(0));
    assertThat(d.on(acked(new AckKey.Reroute(0)))).containsExactly(degraded(1, "breaker_open", 0, null));
  }

  @Test
  void shouldDegradeSessionsStillConnectingWhenTheBreakerOpens() {
    Driver d = new Driver();
    d.on(chunkInput(0));
    d.on(new Input.Permitted());
    assertThat(d.on(new Input.BreakerOpened())).containsExactly(
        new Effect.AbortSocket("stt-1"),
        reroute(0));
    Driver live = new Driver().live();
    assertThat(live.on(new Input.BreakerOpened())).as("a streaming socket proves Deepgram serves it").isEmpty();
  }

  @Test
  void shouldBringDegradedSessionsBackWhenTheBreakerAllowsCalls() {
    Driver d = new Driver();
    d.on(chunkInput(0));
    d.on(new Input.Permitted());
    d.on(refused("stt-1", 403)); // next try after the 30 s open wait
    assertThat(d.on(new Input.BreakerAllowsCalls())).isEmpty();
    assertThat(d.tickAfter(100)).containsExactly(new Effect.AcquirePermission());
  }

  @Test
  void shouldDegradeWhenTheSocketStalls() {
    Driver d = new Driver().live(); // chunk 0 sent at 0 ms, nothing received
    assertThat(d.at(5_000).on(new Input.Tick())).containsExactly(
        new Effect.AttemptProved("stt-1"),
        new Effect.KeepAlive("stt-1"),
        new Effect.Finalize("stt-1"),
        new Effect.SocketDied("stt-1", "stalled", "nothing received for PT5S with audio unfinalised"),
        new Effect.AbortSocket("stt-1"),
        reroute(0));
  }

  @Test
  void shouldNotCallASocketThatAnswersStalled() {
    Driver d = new Driver().live();
    d.at(4_000).on(new Input.MessageReceived("stt-1"));
    assertThat(d.at(5_000).on(new Input.Tick())).doesNotHaveAnyElementsOfTypes(Effect.SocketDied.class);
  }

  @Test
  void shouldNotCallASocketStalledWhileTheWorkerHoldsAudioBack() {
    Driver d = new Driver().live(); // chunk 0 sent at 0 ms: say the audio ended mid-word
    d.on(new Input.ConsumptionPaused());
    assertThat(d.at(5_000).on(new Input.Tick())).doesNotHaveAnyElementsOfTypes(Effect.SocketDied.class);
    assertThat(d.at(20_000).on(new Input.Tick())).doesNotHaveAnyElementsOfTypes(Effect.SocketDied.class);
    assertThat(d.on(new Input.ConsumptionResumed())).isEmpty();
    assertThat(d.at(24_999).on(new Input.Tick())).as("a fresh stall timeout from the resume")
        .doesNotHaveAnyElementsOfTypes(Effect.SocketDied.class);
    assertThat(d.at(25_000).on(new Input.Tick())).contains(
        new Effect.SocketDied("stt-1", "stalled", "nothing received for PT5S with audio unfinalised"));
  }

  @Test
  void shouldDegradeWhenNoCloseComesAfterCloseStream() {
    Driver d = new Driver().live();
    d.on(endedInput(1));
    assertThat(d.tickAfter(4_999)).isEmpty();
    assertThat(d.tickAfter(1)).containsExactly(
        new Effect.SocketDied("stt-1", "close_timeout", "no close within PT5S"),
        new Effect.AbortSocket("stt-1"),
        reroute(0));
  }

  @Test
  void shouldTreatACloseWithoutCloseStreamAsADeath() {
    Driver d = new Driver().live();
    assertThat(d.on(new Input.SocketClosed("stt-1", 1000, "bye"))).containsExactly(
        new Effect.SocketDied("stt-1", "socket_closed_1000", "bye"),
        new Effect.AbortSocket("stt-1"),
        reroute(0));
  }
}
