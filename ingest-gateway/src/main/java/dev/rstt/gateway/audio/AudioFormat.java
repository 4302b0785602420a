package dev.rstt.gateway.audio;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the app declared on the upgrade ({@code language}, {@code sample_rate}, {@code codec},
 * {@code channels}, the repeatable {@code keyterm}, {@code source}), validated. Defaults follow omi: {@code en},
 * 8000, {@code pcm8}, 1, no keyterms, no source. The codec names and their meaning follow omi's receiver; see
 * docs/omi-compatibility.md. {@code source} is omi's conversation source as sent (any text, as omi takes it, or
 * null): it only names channel 2 of a multi-channel session ({@link ChannelFraming#labels}); it is never logged.
 */
public record AudioFormat(String language, int sampleRate, Codec codec, int channels, List<String> keyterms,
    String source) {

  /** At most this many keyterms (Deepgram's keyterm prompting takes up to 100). */
  public static final int MAX_KEYTERMS = 100;
  /** At most this many characters per keyterm. */
  public static final int MAX_KEYTERM_CHARS = 100;
  /** At most this many characters over all keyterms: well inside Deepgram's 500-token limit of the list. */
  public static final int MAX_KEYTERMS_CHARS = 1000;

  public AudioFormat {
    keyterms = List.copyOf(keyterms);
  }

  /** A format without keyterms. */
  public AudioFormat(String language, int sampleRate, Codec codec, int channels) {
    this(language, sampleRate, codec, channels, List.of());
  }

  /** A format without a source. */
  public AudioFormat(String language, int sampleRate, Codec codec, int channels, List<String> keyterms) {
    this(language, sampleRate, codec, channels, keyterms, null);
  }

  /** A codec the gateway decodes to PCM16LE. {@link #wireName()} goes into {@code SessionStarted.codec}. */
  public enum Codec {
    /** Unsigned 8-bit PCM, one byte per sample (omi: {@code audioop.bias(-128)} then {@code lin2lin(1, 2)}). */
    PCM8("pcm8", Rates.PCM),
    /** Signed 16-bit little-endian PCM ({@code pcm16}, and {@code pcm} for phone calls). */
    PCM16("pcm16", Rates.PCM),
    /** One Opus packet per binary frame ({@code opus}, {@code opus_fs320}). */
    OPUS("opus", Set.of(8000, 12000, 16000, 24000, 48000)),
    /** {@code lc3_fs1030}: LC3 frames of 10 ms and 30 bytes, one or more per binary frame. */
    LC3("lc3", Set.of(8000, 16000, 24000, 32000, 48000)),
    /** AAC in ADTS frames. */
    AAC("aac", Set.of(8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000));

    private final String wireName;
    private final Set<Integer> rates;

    Codec(String wireName, Set<Integer> rates) {
      this.wireName = wireName;
      this.rates = rates;
    }

    public String wireName() {
      return wireName;
    }

    public Set<Integer> rates() {
      return rates;
    }

    /** Whether it needs a native library (which may be missing on a server). */
    public boolean nativeLibrary() {
      return this == LC3 || this == AAC;
    }

    /** The most channels this codec takes on one socket. */
    public int maxChannels() {
      return nativeLibrary() ? 1 : 2;
    }

    /**
     * Messages a fresh decoder must decode (output discarded) before its output continues a stream exactly: 0 for
     * PCM, 1 for the codecs with decoder state (Opus and LC3 overlap frames, FAAD2 holds its first frame back).
     * A gateway taking a session over from another asks the app for that many messages before the durable point
     * (docs/CONTRACT.md section 10).
     */
    public int primingMessages() {
      return this == PCM8 || this == PCM16 ? 0 : 1;
    }

    /** The codec whose {@link #wireName()} is {@code name}. */
    public static Codec ofWireName(String name) {
      for (Codec c : values()) {
        if (c.wireName.equals(name)) {
          return c;
        }
      }
      throw new IllegalArgumentException("unknown codec " + name);
    }
  }

  /** Rates for raw PCM (a holder class, so the enum does not depend on this record's initialisation). */
  private static final class Rates {
    static final Set<Integer> PCM = Set.of(8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000);
  }

  /** Codec names as the app sends them. */
  public static final Map<String, Codec> CODEC_NAMES = Map.of("pcm8", Codec.PCM8, "pcm16", Codec.PCM16,
      "pcm", Codec.PCM16, "opus", Codec.OPUS, "opus_fs320", Codec.OPUS, "lc3_fs1030", Codec.LC3, "aac", Codec.AAC);
  private static final Pattern LANGUAGE = Pattern.compile("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}");

  /** A rejected parameter; {@code code} goes to the app in the error JSON. */
  public static final class InvalidFormatException extends Exception {
    private final String code;

    public InvalidFormatException(String code, String message) {
      super(message);
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  /** The format of one channel of this one: the same with one channel (omi's framing, docs/CONTRACT.md 11). */
  public AudioFormat mono() {
    return new AudioFormat(language, sampleRate, codec, 1, keyterms, source);
  }

  /** Bytes per sample frame of the decoded PCM16LE. */
  public int frameBytes() {
    return 2 * channels;
  }

  public long bytesPerSecond() {
    return (long) sampleRate * frameBytes();
  }

  /** {@link #parse(Map, List)} without keyterms. */
  public static AudioFormat parse(Map<String, String> query) throws InvalidFormatException {
    return parse(query, List.of());
  }

  /**
   * The format of an upgrade: {@code query} holds the first value of each parameter, {@code keyterms} every value
   * of the repeatable {@code keyterm} parameter in order.
   */
  public static AudioFormat parse(Map<String, String> query, List<String> keyterms) throws InvalidFormatException {
    String codecName = query.getOrDefault("codec", "pcm8").strip().toLowerCase(Locale.ROOT);
    Codec codec = CODEC_NAMES.get(codecName);
    if (codec == null) {
      String hint = codecName.equals("lc3") ? " (LC3 is lc3_fs1030: 10 ms frames of 30 bytes)" : "";
      throw new InvalidFormatException("unsupported_codec", "codec '" + clip(codecName) + "' is not supported"
          + hint + "; use " + sorted(CODEC_NAMES.keySet()));
    }
    int rate = integer(query.getOrDefault("sample_rate", "8000"), "unsupported_sample_rate", "sample_rate");
    if (!codec.rates().contains(rate)) {
      throw new InvalidFormatException("unsupported_sample_rate",
          "sample_rate " + rate + " is not supported for " + codecName + "; use one of " + sorted(codec.rates()));
    }
    int channels = integer(query.getOrDefault("channels", "1"), "unsupported_channels", "channels");
    if (channels < 1 || channels > codec.maxChannels()) {
      throw new InvalidFormatException("unsupported_channels", "channels " + channels + " is not supported for "
          + codecName + "; use " + (codec.maxChannels() == 1 ? "1" : "1 or 2"));
    }
    String language = query.getOrDefault("language", "en").strip();
    if (language.equals("auto")) {
      language = "multi";
    }
    if (!language.equals("multi") && !LANGUAGE.matcher(language).matches()) {
      throw new InvalidFormatException("unsupported_language", "language '" + clip(language) + "' is not a language tag");
    }
    return new AudioFormat(language, rate, codec, channels, keyterms(keyterms), query.get("source"));
  }

  private static List<String> keyterms(List<String> raw) throws InvalidFormatException {
    if (raw.size() > MAX_KEYTERMS) {
      throw new InvalidFormatException("invalid_keyterm", raw.size() + " keyterms; at most " + MAX_KEYTERMS);
    }
    int total = 0;
    List<String> terms = new java.util.ArrayList<>(raw.size());
    for (String r : raw) {
      String term = r.strip();
      if (term.isEmpty() || term.length() > MAX_KEYTERM_CHARS || term.chars().anyMatch(Character::isISOControl)) {
        throw new InvalidFormatException("invalid_keyterm", "keyterm '" + clip(term) + "' must be 1 to "
            + MAX_KEYTERM_CHARS + " characters without control characters");
      }
      total += term.length();
      terms.add(term);
    }
    if (total > MAX_KEYTERMS_CHARS) {
      throw new InvalidFormatException("invalid_keyterm", "keyterms of " + total + " characters in all; at most "
          + MAX_KEYTERMS_CHARS);
    }
    return terms;
  }

  private static int integer(String value, String code, String name) throws InvalidFormatException {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new InvalidFormatException(code, name + " '" + clip(value) + "' is not an integer");
    }
  }

  private static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  private static String sorted(Set<?> values) {
    return values.stream().map(String::valueOf).sorted((a, b) -> {
      boolean numeric = !a.isEmpty() && Character.isDigit(a.charAt(0)) && !b.isEmpty() && Character.isDigit(b.charAt(0));
      return numeric ? Integer.compare(Integer.parseInt(a), Integer.parseInt(b)) : a.compareTo(b);
    }).reduce((a, b) -> a + ", " + b).orElse("");
  }
}
