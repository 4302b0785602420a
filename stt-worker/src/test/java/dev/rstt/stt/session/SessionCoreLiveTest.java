package dev.rstt.stt.session;

import static dev.rstt.stt.session.Driver.END;
import static dev.rstt.stt.session.Driver.START;
import static dev.rstt.stt.session.Driver.acked;
import static dev.rstt.stt.session.Driver.c;
import static dev.rstt.stt.session.Driver.chunkInput;
import static dev.rstt.stt.session.Driver.done;
import static dev.rstt.stt.session.Driver.endedInput;
import static dev.rstt.stt.session.Driver.fin;
import static dev.rstt.stt.session.Driver.liveFinished;
import static dev.rstt.stt.session.Driver.open;
import static dev.rstt.stt.session.Driver.ready;
import static dev.rstt.stt.session.Driver.resumed;
import static dev.rstt.stt.session.Driver.send;
import static dev.rstt.stt.session.Driver.startedInput;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.schemas.Statuses;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The live path of docs/CONTRACT.md section 3, driven on the core alone: one line per expected effect. */
class SessionCoreLiveTest {

  @Test
  void shouldStreamLiveCommitChunksWhenTheirFinalsAreAckedAndFinishAfterLiveFinished() {
    Driver d = new Driver();
    assertThat(d.on(startedInput())).containsExactly(done(START));
    assertThat(d.on(chunkInput(0))).containsExactly(new Effect.AcquirePermission());
    assertThat(d.on(new Input.Permitted())).containsExactly(open("stt-1", false));
    assertThat(d.on(new Input.SocketOpened("stt-1"))).containsExactly(
        ready("stt-1", 0),
        send("stt-1", 0));
    assertThat(d.on(chunkInput(1))).containsExactly(send("stt-1", 1));
    Input.FinalReceived first = fin("stt-1", 0.1, "w001");
    assertThat(d.on(first)).containsExactly(
        new Effect.AttemptProved("stt-1"),
        new Effect.Publish(new AckKey.Segments("stt-1", 0),
            new Outbound.Segments("stt-1", 0, 0, 1600, 0, first.result())));
    assertThat(d.on(acked(new AckKey.Segments("stt-1", 0)))).containsExactly(done(c(0)));
    assertThat(d.on(endedInput(2))).containsExactly(
        new Effect.Finalize("stt-1"),
        new Effect.CloseStream("stt-1"));
    Input.FinalReceived last = fin("stt-1", 0.2, "w002");
    assertThat(d.on(last)).containsExactly(new Effect.Publish(new AckKey.Segments("stt-1", 1),
        new Outbound.Segments("stt-1", 1, 1600, 3200, 0, last.result())));
    assertThat(d.on(new Input.SocketClosed("stt-1", 1000, ""))).as("waits for the last final's ack").isEmpty();
    assertThat(d.on(acked(new AckKey.Segments("stt-1", 1)))).containsExactly(
        done(c(1)),
        liveFinished("stt-1", 3200));
    assertThat(d.on(acked(new AckKey.LiveFinished()))).as("every session's end goes to audio.degraded too")
        .containsExactly(new Effect.Publish(new AckKey.EndForwarded(), new Outbound.EndForward(Driver.ended(2))));
    assertThat(d.on(acked(new AckKey.EndForwarded()))).containsExactly(
        new Effect.AbortSocket("stt-1"),
        done(END),
        new Effect.Finished());
    assertThat(d.core.finished()).isTrue();
    assertThat(d.on(chunkInput(2))).as("nothing after the end").isEmpty();
  }

  @Test
  void shouldCoverAudioWithAnEmptyFinalWithoutPublishing() {
    Driver d = new Driver().live();
    for (int i = 1; i <= 11; i++) {
      d.on(chunkInput(i)); // 1.2 s sent
    }
    assertThat(d.on(fin("stt-1", 1.2))).as("up to a recovery-overlap before its end: a word may have begun after")
        .containsExactly(
            new Effect.AttemptProved("stt-1"),
            done(c(0)),
            done(c(1)));
  }

  @Test
  void shouldCommitOnlyChunksWholeBelowTheAcknowledgedCursorInOrder() {
    Driver d = new Driver().live();
    d.on(chunkInput(1));
    d.on(fin("stt-1", 0.15, "w001")); // cursor inside chunk 1
    Input.FinalReceived second = fin("stt-1", 0.2, "w002");
    d.on(second);
    assertThat(d.on(acked(new AckKey.Segments("stt-1", 1)))).as("seq 0 not acked yet").isEmpty();
    assertThat(d.on(acked(new AckKey.Segments("stt-1", 0)))).containsExactly(done(c(0)), done(c(1)));
  }

  @Test
  void shouldMarkDuplicatesAndAudioAfterTheEndDoneAtOnce() {
    Driver d = new Driver().live();
    assertThat(d.on(new Input.Chunk(Driver.chunk(0), new Driver.Ref("again")))).containsExactly(
        done(new Driver.Ref("again")));
    d.on(endedInput(1));
    assertThat(d.on(chunkInput(1))).containsExactly(done(c(1)));
    assertThat(d.on(new Input.Ended(Driver.ended(1), new Driver.Ref("end2")))).containsExactly(
        done(new Driver.Ref("end2")));
  }

  @Test
  void shouldSendKeepAliveAndFinalizeOnTheSocketTimers() {
    Driver d = new Driver().live(); // chunk 0 sent at 0 ms
    d.on(new Input.MessageReceived("stt-1"));
    assertThat(d.tickAfter(1_999)).isEmpty();
    assertThat(d.tickAfter(1)).as("unfinalised audio 2 s old").containsExactly(new Effect.Finalize("stt-1"));
    assertThat(d.tickAfter(1_000)).isEmpty();
    d.on(fin("stt-1", 0.1));
    assertThat(d.tickAfter(2_000)).as("alive a stall timeout, then 5 s without sending").containsExactly(
        new Effect.KeepAlive("stt-1"));
  }

  @Test
  void shouldFinalizeEarlyWhenTooMuchAudioIsUnfinalised() {
    Driver d = new Driver().live();
    for (int i = 1; i <= 100; i++) {
      d.on(chunkInput(i)); // 10.1 s of audio sent at 0 ms
    }
    assertThat(d.tickAfter(100)).containsExactly(new Effect.Finalize("stt-1"));
    assertThat(d.tickAfter(100)).as("at most one Finalize per finalize-after").isEmpty();
  }

  @Test
  void shouldCloseAnIdleSessionAndDropItWhenEverythingIsCovered() {
    Driver d = new Driver(Driver.withIdle(Duration.ofSeconds(10))).live();
    d.on(fin("stt-1", 0.1));
    assertThat(d.tickAfter(10_000)).containsExactly(
        new Effect.KeepAlive("stt-1"),
        new Effect.Finalize("stt-1"),
        new Effect.CloseStream("stt-1"));
    assertThat(d.on(new Input.SocketClosed("stt-1", 1000, ""))).as("chunk 0 done by the normal close").containsExactly(
        done(c(0)),
        new Effect.AbortSocket("stt-1"),
        new Effect.Finished());
  }

  @Test
  void shouldReopenAfterAnIdleCloseForAudioThatArrivedMeanwhile() {
    Driver d = new Driver(Driver.withIdle(Duration.ofSeconds(10))).live();
    d.on(fin("stt-1", 0.1));
    d.tickAfter(10_000);
    assertThat(d.on(chunkInput(1))).as("held while closing").isEmpty();
    assertThat(d.on(new Input.SocketClosed("stt-1", 1000, ""))).containsExactly(
        done(c(0)),
        new Effect.AbortSocket("stt-1"),
        new Effect.AcquirePermission());
    assertThat(d.on(new Input.Permitted())).containsExactly(open("stt-2", false));
    assertThat(d.on(new Input.SocketOpened("stt-2"))).containsExactly(send("stt-2", 1));
  }

  @Test
  void shouldHoldASessionEndedThatArrivesDuringAnIdleCloseAndTranscribeTheAudioHeldMeanwhile() {
    Driver d = new Driver(Driver.withIdle(Duration.ofSeconds(10))).live();
    d.on(fin("stt-1", 0.1));
    d.tickAfter(10_000); // idle: Finalize + CloseStream
    assertThat(d.on(chunkInput(1))).as("held while closing").isEmpty();
    assertThat(d.on(endedInput(2))).as("held too: not done before chunk 1 is").isEmpty();
    assertThat(d.on(new Input.SocketClosed("stt-1", 1000, ""))).containsExactly(
        done(c(0)),
        new Effect.AbortSocket("stt-1"),
        new Effect.AcquirePermission());
    assertThat(d.on(new Input.Permitted())).containsExactly(open("stt-2", false));
    assertThat(d.on(new Input.SocketOpened("stt-2"))).containsExactly(
        send("stt-2", 1),
        new Effect.Finalize("stt-2"),
        new Effect.CloseStream("stt-2"));
    Input.FinalReceived last = fin("stt-2", 0.1, "w002");
    assertThat(d.on(last)).containsExactly(
        new Effect.AttemptProved("stt-2"),
        new Effect.Publish(new AckKey.Segments("stt-2", 0),
            new Outbound.Segments("stt-2", 0, 1600, 3200, 1600, last.result())));
    assertThat(d.on(acked(new AckKey.Segments("stt-2", 0)))).containsExactly(done(c(1)));
    assertThat(d.on(new Input.SocketClosed("stt-2", 1000, ""))).containsExactly(liveFinished("stt-2", 3200));
    assertThat(d.on(acked(new AckKey.LiveFinished()))).containsExactly(
        new Effect.Publish(new AckKey.EndForwarded(), new Outbound.EndForward(Driver.ended(2))));
    assertThat(d.on(acked(new AckKey.EndForwarded()))).containsExactly(
        new Effect.AbortSocket("stt-2"),
        done(END),
        new Effect.Finished());
  }

  @Test
  void shouldFinishLiveWhenSessionEndedArrivesDuringAnIdleClose() {
    Driver d = new Driver(Driver.withIdle(Duration.ofSeconds(10))).live();
    d.on(fin("stt-1", 0.1));
    d.tickAfter(10_000);
    assertThat(d.on(endedInput(1))).isEmpty();
    assertThat(d.on(new Input.SocketClosed("stt-1", 1000, ""))).containsExactly(
        done(c(0)),
        liveFinished("stt-1", 1600));
    assertThat(d.on(acked(new AckKey.LiveFinished()))).containsExactly(
        new Effect.Publish(new AckKey.EndForwarded(), new Outbound.EndForward(Driver.ended(1))));
    assertThat(d.on(acked(new AckKey.EndForwarded()))).containsExactly(
        new Effect.AbortSocket("stt-1"),
        done(END),
        new Effect.Finished());
  }

  @Test
  void shouldTakeOverColdFromTheFirstChunkItSeesAndSayLiveResumed() {
    Driver d = new Driver();
    assertThat(d.on(chunkInput(5))).containsExactly(new Effect.AcquirePermission());
    assertThat(d.on(new Input.Permitted())).containsExactly(open("stt-1", false));
    assertThat(d.on(new Input.SocketOpened("stt-1"))).containsExactly(
        ready("stt-1", 8_000),
        resumed("stt-1", 8_000, true),
        send("stt-1", 5));
  }

  @Test
  void shouldForwardTheEndOfASessionNeverSeenAndAnswerLiveFinished() {
    Driver d = new Driver();
    assertThat(d.on(endedInput(10))).containsExactly(
        new Effect.Publish(new AckKey.LiveFinished(), new Outbound.Status(Statuses.LIVE_FINISHED, null,
            Map.of("cold_takeover", "true"), 16_000)));
    assertThat(d.on(acked(new AckKey.LiveFinished()))).containsExactly(
        new Effect.Publish(new AckKey.EndForwarded(), new Outbound.EndForward(Driver.ended(10))));
    assertThat(d.on(acked(new AckKey.EndForwarded()))).containsExactly(done(END), new Effect.Finished());
  }

  @Test
  void shouldAnswerAnEndBeforeAnyAudioWithLiveFinished() {
    Driver d = new Driver();
    d.on(startedInput());
    assertThat(d.on(endedInput(0))).containsExactly(liveFinished(null, 0));
    assertThat(d.on(acked(new AckKey.LiveFinished()))).containsExactly(
        new Effect.Publish(new AckKey.EndForwarded(), new Outbound.EndForward(Driver.ended(0))));
    assertThat(d.on(acked(new AckKey.EndForwarded()))).containsExactly(done(END), new Effect.Finished());
  }

  @Test
  void shouldCloseAtTheEndOnceAConnectionStillOpeningOpens() {
    Driver d = new Driver();
    d.on(startedInput());
    d.on(chunkInput(0));
    d.on(new Input.Permitted());
    assertThat(d.on(endedInput(1))).isEmpty();
    assertThat(d.on(new Input.SocketOpened("stt-1"))).containsExactly(
        ready("stt-1", 0),
        send("stt-1", 0),
        new Effect.Finalize("stt-1"),
        new Effect.CloseStream("stt-1"));
  }

  @Test
  void shouldIgnoreEventsOfAConnectionTheSessionGaveUp() {
    Driver d = new Driver().live();
    d.on(new Input.SocketClosed("stt-1", 1011, "x"));
    assertThat(d.on(fin("stt-1", 0.1, "late"))).isEmpty();
    assertThat(d.on(new Input.SocketOpened("stt-9"))).isEmpty();
  }
}
