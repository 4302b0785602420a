package dev.rstt.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.AudioChunk;
import dev.rstt.gateway.support.AfterAllCloser;
import dev.rstt.gateway.support.AppSocket;
import dev.rstt.gateway.support.AudioFramesReader;
import dev.rstt.gateway.support.GatewayInstance;
import dev.rstt.gateway.support.PublishedChannels;
import dev.rstt.gateway.support.PublishedSession;
import dev.rstt.schemas.Topics;
import dev.rstt.testsupport.KafkaBroker;
import dev.rstt.testsupport.ToneScript;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Random binary in every codec and random text, while a well-behaved session streams on the same gateway:
 * the gateway stays up, the good session's audio is published exactly, and every fuzzed session still keeps
 * the contract (gap-free seq, contiguous offsets, SessionEnded last).
 */
class GatewayFuzzIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static GatewayInstance gw;
  private static AudioFramesReader frames;

  @RegisterExtension
  static final AfterAllCloser closer = new AfterAllCloser();

  @BeforeAll
  static void start() {
    String bootstrap = KafkaBroker.shared().bootstrapServers();
    String prefix = KafkaBroker.uniquePrefix("GatewayFuzzIT");
    Topics topics = GatewayInstance.topics(prefix);
    gw = closer.add(GatewayInstance.start(bootstrap, prefix, "fuzz", Map.of("rstt.gateway.stop-timeout", "1s"), false));
    frames = closer.add(new AudioFramesReader(bootstrap, topics.audioFrames()));
  }

  private static String sessionId(AppSocket app) {
    return JSON.readTree(app.awaitMessage(m -> m.contains("session_started"))).path("session_id").asString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"codec=pcm16&sample_rate=16000", "codec=pcm8&sample_rate=8000",
      "codec=opus&sample_rate=16000", "codec=opus&sample_rate=48000&channels=2",
      "codec=pcm16&sample_rate=44100&channels=2", "codec=lc3_fs1030&sample_rate=16000", "codec=aac&sample_rate=16000"})
  void shouldSurviveRandomInputWithoutHarmingAnotherSession(String query) throws Exception {
    Random random = new Random(query.hashCode());
    AppSocket good = AppSocket.connect(gw.listenUri("codec=pcm16&sample_rate=16000"), GatewayInstance.token("good"));
    String goodSession = sessionId(good);
    List<byte[]> goodFrames = ToneScript.numbered(16000, 1, 6, 1, 150).frames(20);
    AppSocket fuzz = AppSocket.connect(gw.listenUri(query), GatewayInstance.token("fuzzer"));
    String fuzzSession = sessionId(fuzz);
    int goodAt = 0;
    for (int i = 0; i < 300; i++) {
      int kind = random.nextInt(10);
      if (kind < 6) {
        byte[] junk = new byte[random.nextInt(random.nextBoolean() ? 8 : 4000)];
        random.nextBytes(junk);
        fuzz.sendBinary(junk);
      } else if (kind < 8) {
        fuzz.sendText(randomText(random));
      } else {
        fuzz.sendText("{\"type\":" + (random.nextBoolean() ? "42" : "\"" + randomText(random) + "\"")
            + ",\"x\":[" + random.nextInt() + "]}");
      }
      if (i % 3 == 0 && goodAt < goodFrames.size()) {
        good.sendBinary(goodFrames.get(goodAt++));
      }
    }
    while (goodAt < goodFrames.size()) {
      good.sendBinary(goodFrames.get(goodAt++));
    }
    assertThat(fuzz.isClosed()).as("random input does not close the socket").isFalse();
    fuzz.stop();
    good.stop();
    PublishedSession goodPublished = PublishedSession.verify(frames.awaitSession(goodSession, PublishedSession::isEnded));
    assertThat(goodPublished.pcm()).isEqualTo(ToneScript.numbered(16000, 1, 6, 1, 150).pcm());
    if (query.contains("channels=2")) { // omi's framing: most junk names no channel, the rest is a channel's audio
      PublishedChannels fuzzed = PublishedChannels.verify(frames.awaitSession(fuzzSession, PublishedChannels::isEnded));
      assertThat(fuzzed.channels().values()).allSatisfy(c -> assertThat(c.ended().getReason()).isEqualTo("stop"));
    } else {
      PublishedSession fuzzed = PublishedSession.verify(frames.awaitSession(fuzzSession, PublishedSession::isEnded));
      assertThat(fuzzed.ended().getReason()).isEqualTo("stop");
      if (query.contains("pcm")) {
        assertThat(fuzzed.chunks()).isNotEmpty();
      }
    }
    List<Integer> codes = new ArrayList<>(List.of(good.awaitClose(), fuzz.awaitClose()));
    assertThat(codes).as("stopped, no merger here to complete the transcript: pending, not 1000").containsOnly(4010);
    HttpResponse<String> health = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
        HttpRequest.newBuilder(gw.management("/actuator/health")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    // and the gateway still takes new sessions
    AppSocket after = AppSocket.connect(gw.listenUri("codec=pcm16&sample_rate=16000"), GatewayInstance.token("after"));
    sessionId(after);
    after.closeNormally();
  }

  private static String randomText(Random random) {
    byte[] bytes = new byte[random.nextInt(200)];
    random.nextBytes(bytes);
    String s = new String(bytes, StandardCharsets.UTF_8);
    return s.replace("\"", "'").replace("\\", "/");
  }
}
