package dev.rstt.batch.deepgram;

import dev.rstt.common.audio.Pcm;
import dev.rstt.common.deepgram.DeepgramException;
import dev.rstt.common.deepgram.DeepgramVocabulary;
import dev.rstt.schemas.Channels;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Deepgram's pre-recorded {@code POST /v1/listen} over the JDK's asynchronous HTTP client: a WAV body with
 * diarize, punctuate, smart_format and utterances, the session's language and keyterms. A non-2xx answer fails the stage
 * with a {@link DeepgramException} carrying the status, Deepgram's error body and any {@code Retry-After}.
 */
public final class PrerecordedClient implements Transcriber {

  private final HttpClient http;
  private final URI listenUri;
  private final String model;
  private final String authorization;
  private final Duration requestTimeout;
  private final ObjectMapper json;
  private final Clock clock;

  public PrerecordedClient(HttpClient http, String baseUrl, String model, String apiKey, Duration requestTimeout,
      ObjectMapper json, Clock clock) {
    this.http = http;
    this.listenUri = URI.create(baseUrl.replaceAll("/+$", "") + "/v1/listen");
    this.model = model;
    this.authorization = "Token " + apiKey;
    this.requestTimeout = requestTimeout;
    this.json = json;
    this.clock = clock;
  }

  URI uri(String language, java.util.List<String> keyterms) {
    return uri(language, keyterms, Channels.ONLY);
  }

  /** The request URI; a multi-channel session's channel is named in Deepgram's {@code extra} (section 11). */
  URI uri(String language, java.util.List<String> keyterms, int channel) {
    String lang = language == null || language.isBlank() ? "en" : language;
    return URI.create(listenUri + "?model=" + enc(model) + "&language=" + enc(lang)
        + "&diarize=true&punctuate=true&smart_format=true&utterances=true"
        + DeepgramVocabulary.query(model, keyterms)
        + (Channels.multi(channel) ? "&extra=" + enc(Channels.deepgramExtra(channel)) : ""));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public CompletionStage<Transcript> transcribe(ChunkRequest request) {
    HttpRequest http = HttpRequest.newBuilder(uri(request.language(), request.keyterms(), request.channel()))
        .timeout(requestTimeout)
        .header("Authorization", authorization)
        .header("Content-Type", "audio/wav")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Pcm.wav(request.pcm(), request.sampleRate(), request.channels())))
        .build();
    return this.http.sendAsync(http, HttpResponse.BodyHandlers.ofByteArray()).thenApply(this::toTranscript);
  }

  Transcript toTranscript(HttpResponse<byte[]> response) {
    int status = response.statusCode();
    if (status / 100 != 2) {
      String errCode = null;
      String errMsg = null;
      String requestId = response.headers().firstValue("dg-request-id").orElse(null);
      try {
        JsonNode body = json.readTree(response.body());
        errCode = text(body, "err_code", text(body, "category", null));
        errMsg = text(body, "err_msg", text(body, "message", null));
        requestId = text(body, "request_id", requestId);
      } catch (RuntimeException notJson) {
        // keep what the headers said
      }
      Duration retryAfter = RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null), clock)
          .orElse(null);
      throw new DeepgramException(status, errCode, errMsg, requestId, retryAfter);
    }
    return parse(json.readTree(response.body()));
  }

  /** The words of {@code results.channels[0].alternatives[0]}. */
  static Transcript parse(JsonNode root) {
    JsonNode words = root.path("results").path("channels").path(0).path("alternatives").path(0).path("words");
    List<Transcript.Word> out = new ArrayList<>();
    for (JsonNode w : words) {
      String word = w.path("word").asString("");
      String punctuated = text(w, "punctuated_word", word);
      int speaker = w.has("speaker") && !w.get("speaker").isNull() ? w.get("speaker").asInt() : -1;
      out.add(new Transcript.Word(word, punctuated, w.path("start").asDouble(), w.path("end").asDouble(),
          (float) w.path("confidence").asDouble(1.0), speaker));
    }
    return new Transcript(List.copyOf(out), text(root.path("metadata"), "request_id", null));
  }

  private static String text(JsonNode node, String field, String fallback) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? fallback : v.asString();
  }
}
