package dev.rstt.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.testsupport.ToneScript;
import org.junit.jupiter.api.Test;
import reactor.netty.http.HttpResources;

/** The emulator runs on its own event loops, so a Spring context closing in the same JVM cannot stop it. */
class IsolationIT {

  @Test
  void shouldKeepServingAfterReactorNettysGlobalResourcesAreDisposed() {
    try (DeepgramEmulator emulator = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0))) {
      HttpResources.disposeLoopsAndConnections();
      ToneScript script = ToneScript.builder(16000).silence(100).word(0, "777").silence(200).build();
      LiveClient c = LiveClient.open(emulator, "model=nova-3&encoding=linear16&sample_rate=16000", "any");
      c.sendAudio(script.pcm());
      c.sendText("{\"type\":\"CloseStream\"}");
      assertThat(c.awaitClose()[0]).isEqualTo(1000);
      assertThat(c.finalWords()).extracting(w -> w.get("word").stringValue()).containsExactly("w777");
    }
  }

  @Test
  void shouldFreeItsPortAndThreadsOnClose() {
    DeepgramEmulator emulator = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0));
    int port = emulator.port();
    emulator.close();
    try (DeepgramEmulator again = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(port))) {
      assertThat(again.port()).isEqualTo(port);
    }
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
        Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("deepgram-emulator")));
  }
}
