package dev.rstt.stt.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.SessionStarted;
import dev.rstt.stt.deepgram.DeepgramLiveClient;
import dev.rstt.stt.deepgram.LiveParams;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The session's language and keyterms reach the live connection it opens (docs/CONTRACT.md section 2). */
class SessionCoreVocabularyTest {

  private static final List<String> TERMS = List.of("Omi", "tone word");

  @Test
  void shouldOpenTheLiveConnectionWithTheLanguageAndKeytermsOfTheStart() {
    Driver d = new Driver();
    SessionStarted started = Driver.started();
    started.setLanguage("multi");
    started.setKeyterms(TERMS);
    d.on(new Input.Started(started, Driver.START));
    AudioChunk chunk = Driver.chunk(0);
    chunk.setLanguage("multi");
    chunk.setKeyterms(TERMS);
    d.on(new Input.Chunk(chunk, Driver.c(0)));
    assertThat(d.on(new Input.Permitted()))
        .containsExactly(new Effect.OpenSocket("stt-1", "multi", Driver.RATE, 1, TERMS, false));
  }

  @Test
  void shouldTakeTheKeytermsFromTheChunksOfASessionTakenOverCold() {
    Driver d = new Driver();
    AudioChunk chunk = Driver.chunk(0);
    chunk.setKeyterms(TERMS);
    d.on(new Input.Chunk(chunk, Driver.c(0)));
    assertThat(d.on(new Input.Permitted()))
        .containsExactly(new Effect.OpenSocket("stt-1", "en", Driver.RATE, 1, TERMS, false));
  }

  @Test
  void shouldAskDeepgramForKeytermOnNova3AndKeywordsElsewhere() {
    LiveParams params = new LiveParams("multi", 16000, 1, TERMS);
    String nova3 = client("nova-3").uri(params).getRawQuery();
    assertThat(nova3).contains("language=multi", "&keyterm=Omi&keyterm=tone%20word").doesNotContain("keywords");
    String nova2 = client("nova-2").uri(params).getRawQuery();
    assertThat(nova2).contains("&keywords=Omi&keywords=tone%20word").doesNotContain("keyterm");
  }

  @Test
  void shouldNameAMultiChannelSessionsChannelInDeepgramsExtraOnly() {
    assertThat(client("nova-3").uri(new LiveParams("en", 16000, 1, List.of(), 2)).getRawQuery())
        .contains("&extra=channel%3A2", "&channels=1");
    assertThat(client("nova-3").uri(new LiveParams("en", 16000, 1, List.of(), 0)).getRawQuery())
        .doesNotContain("extra");
  }

  private static DeepgramLiveClient client(String model) {
    return new DeepgramLiveClient(java.net.http.HttpClient.newHttpClient(), "http://dg", "k", model,
        Duration.ofMillis(300), Duration.ofSeconds(1));
  }
}
