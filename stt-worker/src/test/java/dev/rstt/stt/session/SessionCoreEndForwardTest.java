package dev.rstt.stt.session;

import static dev.rstt.stt.session.Driver.END;
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

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every session's SessionEnded reaches audio.degraded, after live_finished when it ends live (docs/CONTRACT.md
 * section 4), so the batch worker's batch_finished closes a degraded episode that an owner killed mid-episode
 * left open and no recovery closes. Both take-overs below were seen in chaos runs: the episode stayed open and
 * the stored transcript never became complete.
 */
class SessionCoreEndForwardTest {

  private static final Effect.Publish END_FORWARD =
      new Effect.Publish(new AckKey.EndForwarded(), new Outbound.EndForward(Driver.ended(2)));

  /**
   * The previous owner went degraded (handshake refused) and was killed; the new owner re-reads the session's
   * SessionStarted (the partition's committed offset lay before it) and takes the session for a new one: live
   * from sample 0, no LiveResumed. Only the forwarded SessionEnded can close the episode.
   */
  @Test
  void shouldForwardTheEndAfterLiveFinishedWhenATakeOverReReadsSessionStarted() {
    Driver d = new Driver();
    d.on(startedInput());
    d.on(chunkInput(0));
    d.on(chunkInput(1));
    d.on(new Input.Permitted());
    assertThat(d.on(new Input.SocketOpened("stt-1"))).as("a new session's connection: no LiveResumed")
        .containsExactly(ready("stt-1", 0), send("stt-1", 0), send("stt-1", 1));
    endLive(d, liveFinished("stt-1", 3_200));
  }

  /**
   * The previous owner's episode started at sample 0 and it was killed; the new owner takes over cold at chunk 0
   * ({@code LiveResumed{cold, 0}}). A batch worker restarted after transcribing the episode answers it with
   * {@code stt_recovered} at 0 and no degraded audio, which cannot close an episode starting at 0.
   */
  @Test
  void shouldForwardTheEndAfterLiveFinishedWhenAColdTakeOverResumesAtTheEpisodesStart() {
    Driver d = new Driver();
    d.on(chunkInput(0));
    d.on(chunkInput(1));
    d.on(new Input.Permitted());
    assertThat(d.on(new Input.SocketOpened("stt-1"))).containsExactly(
        ready("stt-1", 0), resumed("stt-1", 0, true), send("stt-1", 0), send("stt-1", 1));
    endLive(d, liveFinished("stt-1", 3_200));
  }

  private static void endLive(Driver d, Effect.Publish liveFinished) {
    assertThat(d.on(endedInput(2))).containsExactly(new Effect.Finalize("stt-1"), new Effect.CloseStream("stt-1"));
    Input.FinalReceived last = fin("stt-1", 0.2, "w001", "w002");
    d.on(last);
    d.on(new Input.SocketClosed("stt-1", 1000, ""));
    List<Effect> afterAck = d.on(acked(new AckKey.Segments("stt-1", 0)));
    assertThat(afterAck).containsExactly(done(c(0)), done(c(1)), liveFinished);
    assertThat(d.on(acked(new AckKey.LiveFinished()))).as("SessionEnded forwarded once live_finished is in")
        .containsExactly(END_FORWARD);
    assertThat(d.done).as("SessionEnded is not done before its forward is acknowledged").doesNotContain(END);
    assertThat(d.on(acked(new AckKey.EndForwarded()))).containsExactly(
        new Effect.AbortSocket("stt-1"), done(END), new Effect.Finished());
  }
}
