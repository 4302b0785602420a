package dev.rstt.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.gateway.audio.HeardWords;
import dev.rstt.gateway.audio.TestEncoders;
import dev.rstt.gateway.support.AfterAllCloser;
import dev.rstt.gateway.support.AppSocket;
import dev.rstt.gateway.support.AudioFramesReader;
import dev.rstt.gateway.support.GatewayInstance;
import dev.rstt.gateway.support.PublishedSession;
import dev.rstt.schemas.Topics;
import dev.rstt.testsupport.KafkaBroker;
import dev.rstt.testsupport.ToneScript;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every codec omi's app and devices send, encoded by the codec's real encoder, streamed through a real gateway on
 * a real broker: the PCM16 on audio.frames holds every tone word exactly once within 30 ms. And a gateway whose
 * native libraries are missing refuses just those codecs with 1003 and keeps serving the rest.
 */
class CodecsIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static String bootstrap;
  private static GatewayInstance gw;
  private static GatewayInstance withoutNative;
  private static AudioFramesReader frames;

  @RegisterExtension
  static final AfterAllCloser closer = new AfterAllCloser();

  @BeforeAll
  static void start() {
    bootstrap = KafkaBroker.shared().bootstrapServers();
    String prefix = KafkaBroker.uniquePrefix("CodecsIT");
    Topics topics = GatewayInstance.topics(prefix);
    // no merger here: after stop, close 4010 once stop-timeout has passed (the transcript never completes)
    gw = closer.add(GatewayInstance.start(bootstrap, prefix, "codecs-it", Map.of("rstt.gateway.stop-timeout", "1s"),
        false));
    withoutNative = closer.add(GatewayInstance.start(bootstrap, prefix, "codecs-it-bare", Map.of(
        "rstt.gateway.stop-timeout", "1s",
        "rstt.gateway.codecs.lc3-library", "/nonexistent/liblc3.so.9",
        "rstt.gateway.codecs.aac-library", "no-such-aac-library"), false));
    frames = closer.add(new AudioFramesReader(bootstrap, topics.audioFrames()));
  }

  private static String user() {
    return "codec-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String sessionId(AppSocket app) {
    JsonNode started = JSON.readTree(app.awaitMessage(m -> m.contains("session_started")));
    return started.path("session_id").asString();
  }

  @ParameterizedTest(name = "{0} at {1} Hz")
  @CsvSource({"pcm8, 16000", "pcm8, 8000", "pcm, 48000", "pcm16, 16000", "opus_fs320, 16000", "opus, 48000",
      "lc3_fs1030, 16000", "lc3_fs1030, 48000", "aac, 16000", "aac, 48000"})
  void shouldPublishEveryWordOnceWithinThirtyMilliseconds(String codec, int rate) throws Exception {
    ToneScript script = ToneScript.random(new Random(codec.hashCode() * 31L + rate), rate, 10, 500);
    List<byte[]> messages = switch (codec) {
      case "pcm8" -> TestEncoders.pcm8(script.samples(), rate);
      case "pcm", "pcm16" -> script.frames(10);
      case "opus_fs320" -> TestEncoders.opus(script.samples(), rate, 320);
      case "opus" -> TestEncoders.opus(script.samples(), rate, rate / 100);
      case "lc3_fs1030" -> TestEncoders.lc3(script.samples(), rate);
      case "aac" -> TestEncoders.aac(script.pcm(), rate);
      default -> throw new IllegalArgumentException(codec);
    };
    AppSocket app = AppSocket.connect(gw.listenUri("codec=" + codec + "&sample_rate=" + rate + "&language=en"),
        GatewayInstance.token(user()));
    String session = sessionId(app);
    for (byte[] message : messages) {
      app.sendBinary(message);
    }
    app.stop();
    PublishedSession published = PublishedSession.verify(frames.awaitSession(session, PublishedSession::isEnded));
    assertThat(published.started().getSampleRate()).isEqualTo(rate);
    assertThat(published.started().getChannels()).isEqualTo(1);
    assertThat(published.ended().getReason()).isEqualTo("stop");
    HeardWords.assertExact(published.pcm(), script, 0);
    assertThat(gw.metrics().count("rstt.gateway.frames.undecodable", "codec", published.started().getCodec()))
        .as("no frame of a clean stream is dropped").isZero();
    // No merger runs here, so the transcript never completes: after stop-timeout the close is 4010, never 1000.
    assertThat(app.awaitClose()).isEqualTo(4010);
  }

  @Test
  void shouldRefuseACodecWhoseLibraryIsMissingWith1003AndKeepServingTheOthers() {
    for (String query : List.of("codec=lc3_fs1030&sample_rate=16000", "codec=aac&sample_rate=16000")) {
      String user = user();
      AppSocket app = AppSocket.connect(withoutNative.listenUri(query), GatewayInstance.token(user));
      assertThat(app.awaitClose()).isEqualTo(1003);
      assertThat(app.closeReason()).endsWith("unavailable");
      assertThat(app.messages()).hasSize(1);
      JsonNode error = JSON.readTree(app.messages().get(0));
      assertThat(error.path("type").asString()).isEqualTo("error");
      assertThat(error.path("code").asString()).isEqualTo("codec_unavailable");
      assertThat(error.path("message").asString()).contains("not available on this server");
      assertThat(frames.drain()).noneMatch(r -> r.value().toString().contains(user));
    }
    assertThat(withoutNative.metrics().count("rstt.gateway.rejections", "reason", "codec_unavailable")).isEqualTo(2);
    // the same server still takes PCM and Opus
    ToneScript script = ToneScript.random(new Random(77), 16000, 4, 300);
    AppSocket pcm = AppSocket.connect(withoutNative.listenUri("codec=pcm16&sample_rate=16000"),
        GatewayInstance.token(user()));
    String session = sessionId(pcm);
    script.frames(20).forEach(pcm::sendBinary);
    pcm.stop();
    PublishedSession published = PublishedSession.verify(frames.awaitSession(session, PublishedSession::isEnded));
    HeardWords.assertExact(published.pcm(), script, 0);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(pcm::isClosed);
  }
}
