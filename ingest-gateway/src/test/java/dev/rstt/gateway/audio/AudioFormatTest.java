package dev.rstt.gateway.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AudioFormatTest {

  @Test
  void shouldDefaultLikeOmi() throws Exception {
    AudioFormat f = AudioFormat.parse(Map.of());
    assertThat(f).isEqualTo(new AudioFormat("en", 8000, AudioFormat.Codec.PCM8, 1));
    assertThat(f.frameBytes()).isEqualTo(2);
  }

  @Test
  void shouldAcceptOpusAtEveryOpusRateAndRewriteAuto() throws Exception {
    for (int rate : new int[] {8000, 12000, 16000, 24000, 48000}) {
      AudioFormat f = AudioFormat.parse(Map.of("codec", "opus", "sample_rate", "" + rate, "channels", "2",
          "language", "auto"));
      assertThat(f.sampleRate()).isEqualTo(rate);
      assertThat(f.language()).isEqualTo("multi");
      assertThat(f.bytesPerSecond()).isEqualTo(rate * 4L);
    }
  }

  @Test
  void shouldKnowEveryCodecNameOmiSends() throws Exception {
    Map<String, AudioFormat.Codec> names = Map.of("pcm8", AudioFormat.Codec.PCM8, "pcm16", AudioFormat.Codec.PCM16,
        "pcm", AudioFormat.Codec.PCM16, "opus", AudioFormat.Codec.OPUS, "opus_fs320", AudioFormat.Codec.OPUS,
        "lc3_fs1030", AudioFormat.Codec.LC3, "aac", AudioFormat.Codec.AAC, "AAC", AudioFormat.Codec.AAC);
    for (Map.Entry<String, AudioFormat.Codec> e : names.entrySet()) {
      AudioFormat f = AudioFormat.parse(Map.of("codec", e.getKey(), "sample_rate", "16000"));
      assertThat(f.codec()).as(e.getKey()).isEqualTo(e.getValue());
      assertThat(f.frameBytes()).as("decoded audio is PCM16").isEqualTo(2);
    }
    assertThat(AudioFormat.parse(Map.of("codec", "pcm", "sample_rate", "48000", "channels", "2")).sampleRate())
        .isEqualTo(48000);
    assertThat(AudioFormat.parse(Map.of("codec", "aac", "sample_rate", "44100")).sampleRate()).isEqualTo(44100);
    assertThat(AudioFormat.parse(Map.of("codec", "lc3_fs1030", "sample_rate", "48000")).codec().wireName())
        .isEqualTo("lc3");
  }

  @Test
  void shouldRejectEachBadParameterWithItsCode() {
    assertCode(Map.of("codec", "mp3"), "unsupported_codec");
    assertCode(Map.of("codec", "lc3"), "unsupported_codec");
    assertCode(Map.of("codec", "lc3_fs1030", "sample_rate", "44100"), "unsupported_sample_rate");
    assertCode(Map.of("codec", "aac", "sample_rate", "16000", "channels", "2"), "unsupported_channels");
    assertCode(Map.of("codec", "lc3_fs1030", "sample_rate", "16000", "channels", "2"), "unsupported_channels");
    assertCode(Map.of("codec", "opus", "sample_rate", "44100"), "unsupported_sample_rate");
    assertCode(Map.of("codec", "pcm16", "sample_rate", "7999"), "unsupported_sample_rate");
    assertCode(Map.of("sample_rate", "16k"), "unsupported_sample_rate");
    assertCode(Map.of("channels", "3"), "unsupported_channels");
    assertCode(Map.of("channels", "x"), "unsupported_channels");
    assertCode(Map.of("language", "en US"), "unsupported_language");
  }

  @Test
  void shouldKeepTheSourceAsSentAndOneChannelOfItsOwnSession() throws Exception {
    assertThat(AudioFormat.parse(Map.of()).source()).as("absent").isNull();
    AudioFormat desktop = AudioFormat.parse(Map.of("codec", "pcm16", "sample_rate", "16000", "channels", "2",
        "source", "desktop"));
    assertThat(desktop.source()).isEqualTo("desktop");
    assertThat(desktop.mono().source()).as("a channel's format is the session's").isEqualTo("desktop");
    assertThat(AudioFormat.parse(Map.of("source", "Something Else")).source()).as("any text, as omi takes it")
        .isEqualTo("Something Else");
  }

  @Test
  void shouldKeepKeytermsInTheAppsOrderStripped() throws Exception {
    AudioFormat f = AudioFormat.parse(Map.of("language", "multi"), List.of(" Omi ", "tone word", "Omi"));
    assertThat(f.keyterms()).containsExactly("Omi", "tone word", "Omi");
    assertThat(f.language()).isEqualTo("multi");
    assertThat(AudioFormat.parse(Map.of()).keyterms()).isEmpty();
  }

  @Test
  void shouldRejectKeytermsDeepgramCouldNotTake() {
    assertKeytermsRejected(List.of(" "));
    assertKeytermsRejected(List.of("a\u0000b"));
    assertKeytermsRejected(List.of("x".repeat(AudioFormat.MAX_KEYTERM_CHARS + 1)));
    assertKeytermsRejected(Collections.nCopies(AudioFormat.MAX_KEYTERMS + 1, "w"));
    assertKeytermsRejected(Collections.nCopies(AudioFormat.MAX_KEYTERMS_CHARS / 50 + 1, "y".repeat(50)));
  }

  private static void assertKeytermsRejected(List<String> keyterms) {
    assertThatThrownBy(() -> AudioFormat.parse(Map.of(), keyterms)).isInstanceOfSatisfying(
        AudioFormat.InvalidFormatException.class, e -> assertThat(e.code()).isEqualTo("invalid_keyterm"));
  }

  private static void assertCode(Map<String, String> query, String code) {
    assertThatThrownBy(() -> AudioFormat.parse(query)).isInstanceOfSatisfying(
        AudioFormat.InvalidFormatException.class, e -> assertThat(e.code()).isEqualTo(code));
  }
}
