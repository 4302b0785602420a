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
    assertThat(life.attach()).as("nobody was attached").isFalse();
    assertThat(life.attachment()).isEqualTo(1);
    assertThat(life.detachedAtMs()).isNull();
    assertThat(life.takesAudio(0)).as("the old socket's late audio").isFalse();
    assertThat(life.socketGone(0, 2000)).as("the old socket's close").isEqualTo(SessionLifecycle.Gone.IGNORED);
    assertThat(life.attach()).as("a second resume takes over the attached socket").isTrue();
    assertThat(life.takesAudio(2)).isTrue();
  }

  @Test
  void withoutResumeASocketGoneEndsTheSession() {
    SessionLifecycle life = new SessionLifecycle(false);
    assertThat(life.socketGone(0, 1000)).isEqualTo(SessionLifecycle.Gone.END);
    assertThat(life.terminate("client_closed")).isEqualTo(SessionLifecycle.Ending.END);
    assertThat(life.state()).isEqualTo(State.ENDING);
    assertThat(life.attach()).isNull();
  }

  @Test
  void stopEndsForGoodAndIsNotResumable() {
    SessionLifecycle life = new SessionLifecycle(true);
    assertThat(life.stop()).isTrue();
    assertThat(life.held()).isFalse();
    assertThat(life.socketGone(0, 1)).isEqualTo(SessionLifecycle.Gone.END);
    assertThat(life.terminate("client_closed")).as("stop publishes SessionEnded already")
        .isEqualTo(SessionLifecycle.Ending.NOTHING);
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
    assertThat(life.attach()).isNull();
    assertThat(life.terminate("client_closed")).isEqualTo(SessionLifecycle.Ending.NOTHING);
  }
}
