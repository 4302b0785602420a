package dev.rstt.batch.deepgram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.rstt.common.audio.WavFile;
import dev.rstt.common.deepgram.DeepgramException;
import dev.rstt.common.deepgram.DeepgramFailure;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class PrerecordedClientTest {

  private HttpServer server;
  private final AtomicReference<String> query = new AtomicReference<>();
  private final AtomicReference<String> auth = new AtomicReference<>();
  private final AtomicReference<byte[]> body = new AtomicReference<>();
  private volatile int status = 200;
  private volatile String answer;
  private volatile String retryAfter;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/listen", exchange -> {
      query.set(exchange.getRequestURI().getQuery());
      auth.set(exchange.getRequestHeaders().getFirst("Authorization"));
      body.set(exchange.getRequestBody().readAllBytes());
      if (retryAfter != null) {
        exchange.getResponseHeaders().add("Retry-After", retryAfter);
      }
      byte[] out = answer.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, out.length);
      exchange.getResponseBody().write(out);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private PrerecordedClient client() {
    return new PrerecordedClient(HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1).build(), "http://127.0.0.1:" + server.getAddress().getPort() + "/",
        "nova-3", "emulator", Duration.ofSeconds(5), JsonMapper.builder().build(), Clock.systemUTC());
  }

  @Test
  void shouldPostWavWithTheQueryAndParseWords() throws Exception {
    answer = """
        {"metadata":{"request_id":"abc"},"results":{"channels":[{"alternatives":[{"transcript":"w001 w102",
         "words":[{"word":"w001","start":0.25,"end":0.51,"confidence":0.99,"punctuated_word":"W001","speaker":0},
                  {"word":"w102","start":1.0,"end":1.26,"confidence":0.98,"speaker":1}]}]}]}}
        """;
    byte[] pcm = new byte[3200];
    pcm[10] = 5;
    Transcript t = client().transcribe(new ChunkRequest(pcm, 16000, 1, "de")).toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    assertThat(query.get()).isEqualTo(
        "model=nova-3&language=de&diarize=true&punctuate=true&smart_format=true&utterances=true");
    assertThat(auth.get()).isEqualTo("Token emulator");
    WavFile wav = WavFile.parse(body.get());
    assertThat(wav.sampleRate()).isEqualTo(16000);
    assertThat(wav.pcm()).isEqualTo(pcm);
    assertThat(t.requestId()).isEqualTo("abc");
    assertThat(t.words()).extracting(Transcript.Word::punctuated).containsExactly("W001", "w102");
    assertThat(t.words()).extracting(Transcript.Word::speaker).containsExactly(0, 1);
    assertThat(t.words().get(1).start()).isEqualTo(1.0);
  }

  @Test
  void shouldSendTheSessionsKeytermsAsKeytermToNova3() throws Exception {
    answer = "{\"metadata\":{\"request_id\":\"k\"},\"results\":{\"channels\":[{\"alternatives\":[{\"words\":[]}]}]}}";
    client().transcribe(new ChunkRequest(new byte[320], 16000, 1, "multi", java.util.List.of("Omi", "tone word")))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(query.get()).isEqualTo("model=nova-3&language=multi&diarize=true&punctuate=true&smart_format=true"
        + "&utterances=true&keyterm=Omi&keyterm=tone word");
  }

  @Test
  void shouldNameAMultiChannelSessionsChannelInDeepgramsExtra() throws Exception {
    answer = "{\"metadata\":{\"request_id\":\"k\"},\"results\":{\"channels\":[{\"alternatives\":[{\"words\":[]}]}]}}";
    client().transcribe(new ChunkRequest(new byte[320], 16000, 1, "en", java.util.List.of(), 2))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(query.get()).endsWith("&utterances=true&extra=channel:2");
  }

  @Test
  void shouldFailWithStatusAndRetryAfterOn429() {
    status = 429;
    retryAfter = "2";
    answer = "{\"err_code\":\"TOO_MANY_REQUESTS\",\"err_msg\":\"slow down\",\"request_id\":\"r9\"}";
    var f = client().transcribe(new ChunkRequest(new byte[320], 8000, 1, "en")).toCompletableFuture();
    assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .satisfies(e -> {
          DeepgramException dg = (DeepgramException) e.getCause();
          assertThat(dg.status()).isEqualTo(429);
          assertThat(dg.retryAfter()).hasValue(Duration.ofSeconds(2));
          assertThat(dg.errCode()).hasValue("TOO_MANY_REQUESTS");
          assertThat(DeepgramFailure.isRetryable(e)).isTrue();
        });
  }

  @Test
  void shouldClassify401AsPermanent() {
    status = 401;
    answer = "not json";
    var f = client().transcribe(new ChunkRequest(new byte[320], 8000, 1, "en")).toCompletableFuture();
    assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).satisfies(e -> {
      assertThat(DeepgramFailure.of(e)).isEqualTo(DeepgramFailure.PERMANENT);
      assertThat(((DeepgramException) e.getCause()).status()).isEqualTo(401);
    });
  }
}
