package dev.rstt.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Runs {@code src/test/js/conformance.mjs}: the official Deepgram JavaScript SDK ({@code @deepgram/sdk}, pinned in
 * {@code package-lock.json}, installed by {@code npm ci} in pre-integration-test) against an emulator; returns what
 * the SDK observed, one object per scenario.
 */
final class JsSdk {

  static final List<String> SCENARIOS = List.of("live", "badKey", "faultClose", "prerecordedEnvironment",
      "prerecordedBaseUrl");

  private JsSdk() {
  }

  /** {@code mode}: {@code exact} (endpointed finals awaited one by one) or {@code realism} (Finalize after all). */
  static JsonNode run(DeepgramEmulator emulator, Path dir, byte[] livePcm, byte[] batchWav, int rate, String mode)
      throws Exception {
    Path pcm = dir.resolve("live.pcm");
    Path wav = dir.resolve("batch.wav");
    Files.write(pcm, livePcm);
    Files.write(wav, batchWav);
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("httpUrl", emulator.httpUrl());
    config.put("wsUrl", emulator.wsUrl());
    config.put("adminUrl", emulator.adminUrl());
    config.put("key", "sdk-key");
    config.put("badKey", "not-a-key");
    config.put("pcmPath", pcm.toString());
    config.put("wavPath", wav.toString());
    config.put("sampleRate", rate);
    config.put("mode", mode);
    Path configFile = dir.resolve("config.json");
    Files.writeString(configFile, LiveClient.JSON.writeValueAsString(config));

    File js = new File("src/test/js");
    assertThat(new File(js, "node_modules/@deepgram/sdk/package.json"))
        .as("@deepgram/sdk is installed by `npm ci` in pre-integration-test (mvn verify)").exists();
    Path stdout = dir.resolve("stdout.json");
    Path stderr = dir.resolve("stderr.txt");
    Process node = new ProcessBuilder("node", "conformance.mjs", configFile.toString()).directory(js)
        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    boolean done = node.waitFor(90, TimeUnit.SECONDS);
    if (!done) {
      node.destroyForcibly();
    }
    String err = Files.readString(stderr, StandardCharsets.UTF_8);
    assertThat(done).as("node finished; stderr: " + err).isTrue();
    assertThat(node.exitValue()).as("node exit; stderr: " + err).isZero();
    JsonNode observed = LiveClient.JSON.readTree(Files.readString(stdout, StandardCharsets.UTF_8));
    for (String scenario : SCENARIOS) {
      assertThat(observed.get(scenario).has("failed")).as(scenario + ": " + observed.get(scenario)).isFalse();
    }
    return observed;
  }

  static List<JsonNode> list(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }
}
