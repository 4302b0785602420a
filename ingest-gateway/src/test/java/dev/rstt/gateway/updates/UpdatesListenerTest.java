package dev.rstt.gateway.updates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.SessionUpdate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which socket an update may reach. */
class UpdatesListenerTest {

  private static SessionUpdate update(String user) {
    return SessionUpdate.newBuilder().setSessionId("01SESSION").setUserId(user).setRevision(1)
        .setSegments(List.of()).setRemovedSegmentIds(List.of()).setStatus(null).setComplete(false).build();
  }

  @Test
  void shouldBelongOnlyToTheSocketsUserExactly() {
    assertThat(UpdatesListener.ownedBy("alice", update("alice"))).isTrue();
    assertThat(UpdatesListener.ownedBy("alice", update("mallory"))).isFalse();
    assertThat(UpdatesListener.ownedBy("alice", update("Alice"))).isFalse();
    assertThat(UpdatesListener.ownedBy("alice", update("alice "))).isFalse();
    assertThat(UpdatesListener.ownedBy("alice", update(null))).as("no user: nobody's").isFalse();
  }
}
