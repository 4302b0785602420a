package dev.rstt.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.gateway.session.GatewaySession.State;
import org.junit.jupiter.api.Test;

class SessionLifecycleTest {

  @Test
  void aResumableSessionDetachesAndAnOlderSocketIsIgnored() {
    SessionLifecycle life = new SessionLifecycle(true);
    assertThat(life.takesAudio(0)).isTrue();
    assertThat(life.socketGone(0, 1000)).isEqualTo(SessionLifecycle.Gone.DETACHED);
    assertThat(life.detachedAtMs()).isEqualTo(1000);
    assertThat(life.takesAudio(0)).as("no socket").isFalse();
    assertThat(life.attach(false)).as("nobody was attached").isFalse();
    assertThat(life.attachment()).isEqualTo(1);
    assertThat(life.detachedAtMs()).isNull();
    assertThat(life.takesAudio(0)).as("the old socket's late audio").isFalse();
    assertThat(life.socketGone(0, 2000)).as("the old socket's close").isEqualTo(SessionLifecycle.Gone.IGNORED);
    assertThat(life.attach(false)).as("a second resume takes over the attached socket").isTrue();
    assertThat(life.takesAudio(2)).isTrue();
  }

  @Test
  void withoutResumeASocketGoneEndsTheSession() {
    SessionLifecycle life = new SessionLifecycle(false);
    assertThat(life.socketGone(0, 1000)).isEqualTo(SessionLifecycle.Gone.END);
    assertThat(life.terminate("client_closed")).isEqualTo(SessionLifecycle.Ending.END);
    assertThat(life.state()).isEqualTo(State.ENDING);
    assertThat(life.attach(false)).isNull();
  }

  @Test
  void stopEndsTheAudioAndASocketMayAttachOnlyToHearTheCloseUntilItIsClosed() {
    SessionLifecycle life = new SessionLifecycle(true);
    assertThat(life.stop()).isTrue();
    assertThat(life.held()).isFalse();
    assertThat(life.socketGone(0, 1)).as("stop goes on without a socket").isEqualTo(SessionLifecycle.Gone.IGNORED);
    assertThat(life.lingers(false)).as("SessionEnded not stored: findable for a resume").isTrue();
    assertThat(life.lingers(true)).as("stored and no socket waits").isFalse();
    assertThat(life.attach(true)).as("SessionEnded stored: not resumable").isNull();
    assertThat(life.attach(false)).as("a new socket, none attached before").isFalse();
    assertThat(life.state()).isEqualTo(State.STOPPING);
    assertThat(life.takesAudio(1)).as("its audio is all taken").isFalse();
    assertThat(life.lingers(true)).as("its socket waits for the close").isTrue();
    assertThat(life.terminate("client_closed")).as("stop publishes SessionEnded already")
        .isEqualTo(SessionLifecycle.Ending.NOTHING);
    assertThat(life.closeAfterStop()).isTrue();
    assertThat(life.attach(false)).as("closed: not resumable").isNull();
  }

  @Test
  void aShutdownClosesAStoppingSessionsSocketAtOnce() {
    SessionLifecycle life = new SessionLifecycle(true);
    life.stop();
    assertThat(life.terminate("server_shutdown")).isEqualTo(SessionLifecycle.Ending.CLOSE_ONLY);
    assertThat(life.closeAfterStop()).as("closed meanwhile").isFalse();
  }

  @Test
  void aHandedOverSessionTakesNoSocketAndEndsNothing() {
    SessionLifecycle life = new SessionLifecycle(true);
    life.socketGone(0, 5);
    assertThat(life.handOver()).as("detached: no socket to close").isFalse();
    assertThat(life.state()).isEqualTo(State.HANDED_OVER);
    assertThat(life.handOver()).isNull();
    assertThat(life.attach(false)).isNull();
    assertThat(life.terminate("client_closed")).isEqualTo(SessionLifecycle.Ending.NOTHING);
  }
}
