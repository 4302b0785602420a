package dev.rstt.emulator.internal;

import dev.rstt.emulator.recognizer.RecognizedWord;
import dev.rstt.emulator.recognizer.ToneWordRecognizer;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * {@code POST /v1/listen}: a WAV body (or raw audio with encoding/sample_rate) transcribed in one go, answered with
 * Deepgram's pre-recorded response shape; injected faults fail, delay or never answer it. With realism on, word
 * times drift, confidences vary and words cut by the body's edges come back as fragments.
 */
public final class PrerecordedEndpoint {

  private static final Logger log = LoggerFactory.getLogger(PrerecordedEndpoint.class);
  static final String CORRUPT = "Bad Request: failed to process audio: corrupt or unsupported data";

  private final EmulatorState state;

  public PrerecordedEndpoint(EmulatorState state) {
    this.state = state;
  }

  public Publisher<Void> handle(HttpServerRequest req, HttpServerResponse res) {
    String requestId = UUID.randomUUID().toString();
    Faults faults = state.faults().forQuery(new QueryStringDecoder(req.uri()).parameters());
    long delayMs = faults.prerecordedDelayMs();
    if (faults.prerecordedNoAnswer() != null && state.authorized(Http.authorizationKey(req))) {
      return noAnswer(req, res, faults.prerecordedNoAnswer(), delayMs);
    }
    Mono<Answer> answer = Mono.defer(() -> answer(req, requestId, faults));
    if (delayMs > 0) {
      state.stats().faultApplied("prerecorded_delay");
      answer = answer.delayElement(Duration.ofMillis(delayMs));
    }
    return answer.flatMap(a -> {
      if (a.error() != null) {
        state.stats().prerecordedFailed.incrementAndGet();
        log.debug("Pre-recorded request {} failed with {}", requestId, a.error().status());
        return Mono.from(Http.error(res, a.error(), requestId, a.retryAfter()));
      }
      state.stats().prerecordedOk.incrementAndGet();
      return Mono.from(Http.json(res.header("dg-request-id", requestId)
          .header("dg-model-uuid", a.modelUuid()), 200, a.body()));
    });
  }

  private record Answer(DgError error, Integer retryAfter, Map<String, Object> body, String modelUuid) {
    static Answer error(DgError e) {
      return new Answer(e, null, null, null);
    }
  }

  /** The body is read (bounded), then the request is held unanswered or its connection closed without an answer. */
  private Publisher<Void> noAnswer(HttpServerRequest req, HttpServerResponse res, Faults.NoAnswer how,
      long delayMs) {
    long max = state.settings().maxPrerecordedBytes();
    return req.receive().reduce(0L, (n, chunk) -> {
      if (n + chunk.readableBytes() > max) {
        throw new TooLarge();
      }
      return n + chunk.readableBytes();
    }).onErrorResume(TooLarge.class, e -> Mono.just(0L))
        .then(delayMs > 0 ? Mono.delay(Duration.ofMillis(delayMs)).then() : Mono.empty())
        .then(Mono.defer(() -> {
          if (how == Faults.NoAnswer.HANG) {
            state.stats().faultApplied("prerecorded_hang");
            res.withConnection(c -> state.hang(c.channel()));
            log.debug("Pre-recorded request held without an answer (injected fault)");
            return Mono.<Void>never();
          }
          state.stats().faultApplied("prerecorded_close");
          log.debug("Pre-recorded request's connection closed without an answer (injected fault)");
          res.withConnection(c -> c.channel().close());
          return Mono.<Void>never();
        }));
  }

  private Mono<Answer> answer(HttpServerRequest req, String requestId, Faults faults) {
    if (!state.authorized(Http.authorizationKey(req))) {
      return Mono.just(Answer.error(DgError.forStatus(401)));
    }
    if (faults.prerecordedStatus() != null) {
      state.stats().faultApplied("prerecorded_status_" + faults.prerecordedStatus());
      return Mono.just(new Answer(DgError.forStatus(faults.prerecordedStatus()), faults.prerecordedRetryAfter(),
          null, null));
    }
    ListenParams params;
    try {
      params = ListenParams.parse(req.uri());
    } catch (BadRequestException e) {
      state.record("prerecorded", req.uri(), 400);
      return Mono.just(Answer.error(e.error()));
    }
    state.record("prerecorded", req.uri(), 200);
    String type = req.requestHeaders().get("content-type", "application/octet-stream").toLowerCase();
    if (type.startsWith("application/json")) {
      return Mono.just(Answer.error(DgError.badRequest(
          "Bad Request: the emulator cannot fetch remote audio; send the audio as the request body.")));
    }
    if (!type.startsWith("audio/") && !type.startsWith("application/octet-stream")) {
      return Mono.just(Answer.error(DgError.badRequest(CORRUPT)));
    }
    long max = state.settings().maxPrerecordedBytes();
    String length = req.requestHeaders().get("content-length");
    if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > max) {
      return Mono.just(Answer.error(DgError.forStatus(413)));
    }
    if (!state.stats().tryStartPrerecorded(state.settings().maxPrerecordedConcurrency())) {
      return Mono.just(Answer.error(DgError.forStatus(429)));
    }
    return req.receive()
        .reduceWith(() -> new Bounded(max), Bounded::append)
        .map(Bounded::bytes)
        .defaultIfEmpty(new byte[0])
        .map(body -> transcribe(body, params, requestId))
        .onErrorResume(TooLarge.class, e -> Mono.just(Answer.error(DgError.forStatus(413))))
        .doFinally(s -> state.stats().prerecordedInFlight.decrementAndGet());
  }

  private Answer transcribe(byte[] body, ListenParams params, String requestId) {
    int rate;
    int channels;
    int offset;
    int length;
    boolean pcm16;
    if (Wav.looksLikeWav(body)) {
      Wav wav = Wav.parse(body);
      if (wav == null) {
        return Answer.error(DgError.badRequest(CORRUPT));
      }
      rate = wav.sampleRate();
      channels = wav.channels();
      offset = wav.dataOffset();
      length = wav.dataLength();
      pcm16 = true;
    } else if (params.encoding() != null && params.sampleRate() != null) {
      rate = params.sampleRate();
      channels = params.channels();
      offset = 0;
      length = body.length;
      pcm16 = params.encoding().equals("linear16");
    } else {
      return Answer.error(DgError.badRequest(CORRUPT));
    }
    List<RecognizedWord> heard = new ArrayList<>();
    Imperfections imperfections = new Imperfections(state.realism(), Imperfections.Path.PRERECORDED);
    double duration = 0;
    if (pcm16) {
      ToneWordRecognizer recognizer = new ToneWordRecognizer(rate, new ToneWordRecognizer.Listener() {
        @Override
        public void onWord(RecognizedWord word, long positionSamples) {
          heard.add(word);
        }

        @Override
        public void onFragment(RecognizedWord fragment, long positionSamples) {
          heard.add(fragment);
        }
      }, imperfections.fragments());
      recognizer.feedPcm16(body, offset, length, channels);
      recognizer.finish();
      duration = (double) (length / (2 * channels)) / rate;
    } else if (params.encoding().equals("mulaw") || params.encoding().equals("alaw")) {
      duration = (double) length / channels / rate;
    }
    List<HeardWord> words = new ArrayList<>(heard.size());
    for (RecognizedWord w : heard) {
      words.add(imperfections.hear(w, duration));
      if (w.fragment()) {
        state.stats().fragments.incrementAndGet();
      } else {
        state.stats().wordsRecognized.incrementAndGet();
      }
    }
    state.stats().audioSeconds.add(duration);
    return new Answer(null, null, response(body, params, requestId, words, duration, channels), params.modelUuid());
  }

  private Map<String, Object> response(byte[] body, ListenParams params, String requestId,
      List<HeardWord> words, double duration, int channels) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("transaction_key", "deprecated");
    meta.put("request_id", requestId);
    meta.put("sha256", sha256(body));
    meta.put("created", Transcripts.created(Instant.now()));
    meta.put("duration", duration);
    meta.put("channels", channels);
    meta.put("models", List.of(params.modelUuid()));
    meta.put("model_info", Map.of(params.modelUuid(), Transcripts.modelInfo(params)));

    // Sentences = utterances: split at a speaker change or a pause of at least utt_split seconds.
    List<List<HeardWord>> groups = new ArrayList<>();
    for (HeardWord w : words) {
      List<HeardWord> lastGroup = groups.isEmpty() ? null : groups.get(groups.size() - 1);
      HeardWord prev = lastGroup == null ? null : lastGroup.get(lastGroup.size() - 1);
      if (prev == null || prev.speaker() != w.speaker() || w.start() - prev.end() >= params.uttSplit()) {
        groups.add(new ArrayList<>());
      }
      groups.get(groups.size() - 1).add(w);
    }
    boolean[] sentenceStart = {true};
    List<Map<String, Object>> allWords = new ArrayList<>();
    List<Map<String, Object>> utterances = new ArrayList<>();
    for (List<HeardWord> g : groups) {
      List<Map<String, Object>> gw = Transcripts.words(g, params, true, sentenceStart, true);
      allWords.addAll(gw);
      Map<String, Object> u = new LinkedHashMap<>();
      u.put("start", g.get(0).start());
      u.put("end", g.get(g.size() - 1).end());
      u.put("confidence", Transcripts.confidence(gw));
      u.put("channel", 0);
      u.put("transcript", Transcripts.transcript(gw));
      u.put("words", gw);
      if (params.diarize()) {
        u.put("speaker", g.get(0).speaker());
      }
      u.put("id", UUID.nameUUIDFromBytes((requestId + "/" + utterances.size()).getBytes()).toString());
      utterances.add(u);
    }
    Map<String, Object> alt = new LinkedHashMap<>();
    alt.put("transcript", Transcripts.transcript(allWords));
    alt.put("confidence", Transcripts.confidence(allWords));
    alt.put("words", allWords);
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("channels", List.of(Map.of("alternatives", List.of(alt))));
    if (params.utterances()) {
      results.put("utterances", utterances);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("metadata", meta);
    m.put("results", results);
    return m;
  }

  private static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class TooLarge extends RuntimeException {
    TooLarge() {
      super("body too large", null, false, false);
    }
  }

  /** Copies request body chunks, refusing to grow past the limit. */
  private static final class Bounded {
    private final long max;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Bounded(long max) {
      this.max = max;
    }

    Bounded append(io.netty.buffer.ByteBuf chunk) {
      int n = chunk.readableBytes();
      if (out.size() + (long) n > max) {
        throw new TooLarge();
      }
      byte[] b = new byte[n];
      chunk.getBytes(chunk.readerIndex(), b);
      out.write(b, 0, n);
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
