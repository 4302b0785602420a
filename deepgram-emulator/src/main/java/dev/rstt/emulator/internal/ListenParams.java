package dev.rstt.emulator.internal;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The query parameters of {@code /v1/listen} that change what the emulator does, validated like Deepgram does:
 * unknown parameters are accepted, an invalid value of a known one is a 400. {@code keyterm} and {@code keywords} are
 * accepted (and recorded, see {@code DeepgramEmulator.requests()}) but do not change recognition; {@code keywords}
 * with a Nova-3 model is refused as Deepgram refuses it.
 */
public record ListenParams(
    String model,
    String language,
    String encoding,
    Integer sampleRate,
    int channels,
    boolean interimResults,
    boolean punctuate,
    boolean smartFormat,
    boolean diarize,
    int endpointingMs,
    int utteranceEndMs,
    boolean vadEvents,
    boolean utterances,
    double uttSplit,
    Map<String, List<String>> query) {

  public static final Set<String> ENCODINGS = Set.of("linear16", "linear32", "flac", "alaw", "mulaw", "amr-nb",
      "amr-wb", "opus", "ogg-opus", "speex", "g729");
  private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern LANGUAGE = Pattern.compile("multi|[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}");
  private static final Set<String> BOOLEANS = Set.of("interim_results", "punctuate", "smart_format", "diarize",
      "vad_events", "utterances", "multichannel", "numerals", "profanity_filter", "dictation", "filler_words",
      "no_delay", "detect_entities", "paragraphs", "mip_opt_out", "detect_language", "measurements");

  /** Endpointing disabled ({@code endpointing=false}). */
  public static final int DISABLED = -1;

  public boolean punctuated() {
    return punctuate || smartFormat;
  }

  /** Model uuid, stable per model name. */
  public String modelUuid() {
    return UUID.nameUUIDFromBytes(("deepgram-emulator/" + model).getBytes()).toString();
  }

  public String modelName() {
    return "general-" + model;
  }

  public static ListenParams parse(String uri) {
    Map<String, List<String>> q = new QueryStringDecoder(uri).parameters();
    for (String b : BOOLEANS) {
      if (q.containsKey(b)) {
        bool(q, b);
      }
    }
    String model = last(q, "model", "base-general");
    if (!MODEL.matcher(model).matches()) {
      throw invalid("model", model);
    }
    String language = last(q, "language", "en");
    if (!LANGUAGE.matcher(language).matches()) {
      throw invalid("language", language);
    }
    if (q.containsKey("keywords") && model.toLowerCase(java.util.Locale.ROOT).startsWith("nova-3")) {
      // Deepgram's answer, verbatim (a refused handshake on live, a 400 on pre-recorded)
      throw new BadRequestException("INVALID_QUERY_PARAMETER",
          "Keywords are not supported for Nova-3. Please use `keyterm` instead.");
    }
    String encoding = last(q, "encoding", null);
    if (encoding != null && !ENCODINGS.contains(encoding)) {
      throw invalid("encoding", encoding);
    }
    Integer sampleRate = q.containsKey("sample_rate") ? integer(q, "sample_rate", 1000, 192000) : null;
    if (encoding != null && sampleRate == null && !encoding.equals("opus") && !encoding.equals("ogg-opus")
        && !encoding.equals("flac")) {
      throw new BadRequestException("Invalid query string. sample_rate is required with encoding=" + encoding);
    }
    int channels = q.containsKey("channels") ? integer(q, "channels", 1, 16) : 1;
    int endpointing = 10;
    if (q.containsKey("endpointing")) {
      String v = last(q, "endpointing", "");
      if (v.equalsIgnoreCase("false")) {
        endpointing = DISABLED;
      } else if (!v.equalsIgnoreCase("true")) {
        endpointing = integer(q, "endpointing", 0, 60_000);
      }
    }
    int utteranceEnd = q.containsKey("utterance_end_ms") ? integer(q, "utterance_end_ms", 0, 60_000) : DISABLED;
    double uttSplit = 0.8;
    if (q.containsKey("utt_split")) {
      String v = last(q, "utt_split", "");
      try {
        uttSplit = Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw invalid("utt_split", v);
      }
      if (!(uttSplit >= 0 && uttSplit <= 60)) {
        throw invalid("utt_split", v);
      }
    }
    boolean diarize = bool(q, "diarize");
    if (q.containsKey("diarize_model")) {
      diarize = true;
    }
    return new ListenParams(model, language, encoding, sampleRate, channels, bool(q, "interim_results"),
        bool(q, "punctuate"), bool(q, "smart_format"), diarize, endpointing, utteranceEnd, bool(q, "vad_events"),
        bool(q, "utterances"), uttSplit, q);
  }

  private static String last(Map<String, List<String>> q, String key, String dflt) {
    List<String> v = q.get(key);
    return v == null || v.isEmpty() ? dflt : v.get(v.size() - 1);
  }

  private static boolean bool(Map<String, List<String>> q, String key) {
    String v = last(q, key, "false");
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    if (v.equalsIgnoreCase("false")) {
      return false;
    }
    throw invalid(key, v);
  }

  private static int integer(Map<String, List<String>> q, String key, int min, int max) {
    String v = last(q, key, "");
    try {
      int i = Integer.parseInt(v);
      if (i < min || i > max) {
        throw invalid(key, v);
      }
      return i;
    } catch (NumberFormatException e) {
      throw invalid(key, v);
    }
  }

  private static BadRequestException invalid(String key, String value) {
    return new BadRequestException("Invalid query string. Invalid value for " + key + ": '" + value + "'");
  }
}
