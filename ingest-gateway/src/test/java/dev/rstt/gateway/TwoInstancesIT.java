package dev.rstt.gateway;

import static dev.rstt.gateway.support.UpdatesProducer.segment;
import static dev.rstt.gateway.support.UpdatesProducer.segments;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.gateway.support.AfterAllCloser;
import dev.rstt.gateway.support.AppSocket;
import dev.rstt.gateway.support.AudioFramesReader;
import dev.rstt.gateway.support.GatewayInstance;
import dev.rstt.gateway.support.PublishedSession;
import dev.rstt.gateway.support.UpdatesProducer;
import dev.rstt.schemas.Topics;
import dev.rstt.testsupport.KafkaBroker;
import dev.rstt.testsupport.ToneScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

/** Two gateways side by side on one broker: each delivers updates to the sockets it holds, and only those. */
class TwoInstancesIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static GatewayInstance east;
  private static GatewayInstance west;
  private static Topics topics;
  private static String bootstrap;

  @RegisterExtension
  static final AfterAllCloser closer = new AfterAllCloser();

  @BeforeAll
  static void start() {
    bootstrap = KafkaBroker.shared().bootstrapServers();
    String prefix = KafkaBroker.uniquePrefix("TwoInstancesIT");
    topics = GatewayInstance.topics(prefix);
    east = closer.add(GatewayInstance.start(bootstrap, prefix, "east", Map.of(), false));
    west = closer.add(GatewayInstance.start(bootstrap, prefix, "west", Map.of(), true));
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
        east.context().getBean(dev.rstt.gateway.updates.UpdatesListener.class).assigned());
  }

  private static String sessionId(AppSocket app) {
    String started = app.awaitMessage(m -> m.contains("session_started"));
    return JSON.readTree(started).path("session_id").asString();
  }

  @Test
  void shouldDeliverEachUpdateOnlyToTheInstanceHoldingItsSocket() {
    List<AppSocket> apps = new ArrayList<>();
    List<String> sessions = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      GatewayInstance gw = i % 2 == 0 ? east : west;
      AppSocket app = AppSocket.connect(gw.listenUri("sample_rate=16000&codec=pcm16"),
          GatewayInstance.token("two-" + i));
      apps.add(app);
      sessions.add(sessionId(app));
    }
    try (AudioFramesReader frames = new AudioFramesReader(bootstrap, topics.audioFrames());
        UpdatesProducer merger = new UpdatesProducer(bootstrap, topics.sessionUpdates(), frames)) {
      for (int i = 0; i < 6; i++) {
        merger.send(segments(sessions.get(i), 1, false, segment("seg-" + i, "w00" + i, 0.1, 0.4)));
      }
      for (int i = 0; i < 6; i++) {
        String own = "\"seg-" + i + "\"";
        apps.get(i).awaitMessage(m -> m.contains(own));
      }
      for (int i = 0; i < 6; i++) {
        byte[] audio = ToneScript.numbered(16000, 100 + i, 1, 0, 200).pcm();
        apps.get(i).sendBinary(audio);
        apps.get(i).stop();
        PublishedSession published = PublishedSession.verify(frames.awaitSession(sessions.get(i),
            PublishedSession::isEnded));
        assertThat(published.pcm()).isEqualTo(audio);
        assertThat(published.started().getGatewayId()).isEqualTo(i % 2 == 0 ? "east" : "west");
        merger.send(segments(sessions.get(i), 2, true, segment("seg-" + i, "w00" + i + " done", 0.1, 0.9)));
      }
      for (int i = 0; i < 6; i++) {
        assertThat(apps.get(i).awaitClose()).isEqualTo(1000);
        List<String> segmentFrames = apps.get(i).messages().stream().filter(m -> m.startsWith("[")).toList();
        String own = "\"seg-" + i + "\"";
        assertThat(segmentFrames).as("only its own segments, each once").hasSize(2).allMatch(m -> m.contains(own));
      }
    }
    assertThat(east.metrics().count("rstt.gateway.updates", "outcome", "not_here")).isGreaterThanOrEqualTo(6);
    assertThat(west.metrics().count("rstt.gateway.updates", "outcome", "not_here")).isGreaterThanOrEqualTo(6);
    assertThat(east.metrics().count("rstt.gateway.updates", "outcome", "delivered")).isEqualTo(6);
    assertThat(west.metrics().count("rstt.gateway.updates", "outcome", "delivered")).isEqualTo(6);
  }
}
