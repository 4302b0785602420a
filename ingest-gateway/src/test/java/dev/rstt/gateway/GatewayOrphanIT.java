package dev.rstt.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.gateway.audio.HeardWords;
import dev.rstt.gateway.support.AudioFramesReader;
import dev.rstt.gateway.support.GatewayInstance;
import dev.rstt.gateway.support.GatewayProcess;
import dev.rstt.gateway.support.PublishedSession;
import dev.rstt.gateway.support.ResumedTimeline;
import dev.rstt.gateway.support.ResumingApp;
import dev.rstt.testsupport.KafkaBroker;
import dev.rstt.testsupport.ToneScript;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A session whose gateway was killed with SIGKILL and that the app never resumes (docs/CONTRACT.md section 10): once
 * its window, the lease and a grace have passed, another gateway ends it {@code client_closed}, after every word the
 * dead gateway had written.
 */
class GatewayOrphanIT {

  @Test
  void aSessionWhoseHolderDiedAndThatNobodyResumesIsEndedByAnotherGateway() throws Exception {
    String bootstrap = KafkaBroker.shared().bootstrapServers();
    String prefix = KafkaBroker.uniquePrefix("GatewayOrphanIT");
    Map<String, Object> props = Map.of("rstt.gateway.resume.window", "2s", "rstt.gateway.resume.handover-timeout",
        "1s", "rstt.gateway.resume.position-interval", "200ms", "rstt.gateway.resume.lease", "1s",
        "rstt.gateway.merger-url", "http://127.0.0.1:9");
    ToneScript script = ToneScript.numbered(16000, 600, 4, 0, 200);
    List<byte[]> messages = ResumingApp.split(script.pcm(), 640);
    try (GatewayInstance janitor = GatewayInstance.start(bootstrap, prefix, "janitor", props, false);
        AudioFramesReader frames = new AudioFramesReader(bootstrap, GatewayInstance.topics(prefix).audioFrames());
        GatewayProcess doomed = GatewayProcess.start(bootstrap, prefix, "doomed-alone", props)) {
      ResumingApp app = new ResumingApp(doomed::listenUri,
          GatewayInstance.token("orphan-" + UUID.randomUUID().toString().substring(0, 8)),
          "language=en&sample_rate=16000&codec=pcm16&channels=1", messages);
      String id = app.start();
      app.sendUntil(messages.size(), 20);
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> app.durableSeen() == messages.size());
      doomed.kill();
      app.drop();

      ResumedTimeline timeline = ResumedTimeline.read(frames.awaitSession(id, PublishedSession::isEnded));
      assertThat(timeline.ended().getReason()).isEqualTo("client_closed");
      HeardWords.assertExact(timeline.pcm(), script, 0);
      assertThat(timeline.pcm()).as("everything the app was told is durable, once").isEqualTo(script.pcm());
      assertThat(timeline.started().getGatewayId()).isEqualTo("doomed-alone");
    }
  }
}
