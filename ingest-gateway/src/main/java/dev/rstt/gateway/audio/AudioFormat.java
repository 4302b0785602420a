package dev.rstt.gateway.audio;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the app declared on the upgrade ({@code language}, {@code sample_rate}, {@code codec},
 * {@code channels}), validated. Defaults follow omi: {@code en}, 8000, {@code pcm8}, 1.
 */
public record AudioFormat(String language, int sampleRate, Codec codec, int channels) {

  public enum Codec {
    PCM8, PCM16, OPUS;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final Set<Integer> PCM_RATES = Set.of(8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000);
  public static final Set<Integer> OPUS_RATES = Set.of(8000, 12000, 16000, 24000, 48000);
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

  /** Bytes per sample frame of the decoded PCM16LE. */
  public int frameBytes() {
    return 2 * channels;
  }

  public long bytesPerSecond() {
    return (long) sampleRate * frameBytes();
  }

  public static AudioFormat parse(Map<String, String> query) throws InvalidFormatException {
    String codecName = query.getOrDefault("codec", "pcm8").strip().toLowerCase(Locale.ROOT);
    Codec codec;
    switch (codecName) {
      case "pcm8" -> codec = Codec.PCM8;
      case "pcm16" -> codec = Codec.PCM16;
      case "opus", "opus_fs320" -> codec = Codec.OPUS;
      default -> throw new InvalidFormatException("unsupported_codec",
          "codec '" + clip(codecName) + "' is not supported; use pcm8, pcm16 or opus");
    }
    int rate = integer(query.getOrDefault("sample_rate", "8000"), "unsupported_sample_rate", "sample_rate");
    Set<Integer> rates = codec == Codec.OPUS ? OPUS_RATES : PCM_RATES;
    if (!rates.contains(rate)) {
      throw new InvalidFormatException("unsupported_sample_rate",
          "sample_rate " + rate + " is not supported for " + codec.wireName() + "; use one of " + sorted(rates));
    }
    int channels = integer(query.getOrDefault("channels", "1"), "unsupported_channels", "channels");
    if (channels < 1 || channels > 2) {
      throw new InvalidFormatException("unsupported_channels", "channels " + channels + " is not supported; use 1 or 2");
    }
    String language = query.getOrDefault("language", "en").strip();
    if (language.equals("auto")) {
      language = "multi";
    }
    if (!language.equals("multi") && !LANGUAGE.matcher(language).matches()) {
      throw new InvalidFormatException("unsupported_language", "language '" + clip(language) + "' is not a language tag");
    }
    return new AudioFormat(language, rate, codec, channels);
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

  private static String sorted(Set<Integer> values) {
    return values.stream().sorted().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("");
  }
}
