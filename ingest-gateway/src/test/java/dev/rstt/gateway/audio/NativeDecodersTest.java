package dev.rstt.gateway.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rstt.testsupport.ToneScript;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LC3 (liblc3) and AAC (FAAD2): real encoders in, the gateway's decoders out, tone words heard word-exact within
 * 30 ms. Needs liblc3, libfaad2 and the ffmpeg command ({@code .ci/run} installs them).
 */
class NativeDecodersTest {

  private static final AudioCodecs CODECS = AudioCodecs.load("lc3", "faad");

  private static AudioDecoder decoder(AudioFormat.Codec codec, int rate) {
    return CODECS.decoder(new AudioFormat("en", rate, codec, 1));
  }

  private static byte[] decodeAll(AudioDecoder decoder, List<byte[]> messages) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] message : messages) {
      out.writeBytes(decoder.decode(message));
    }
    return out.toByteArray();
  }

  /** The same bytes cut into messages of random sizes (1 byte to 3 frames), as a stream may arrive. */
  private static List<byte[]> resplit(List<byte[]> frames, Random random) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    frames.forEach(all::writeBytes);
    byte[] bytes = all.toByteArray();
    List<byte[]> messages = new ArrayList<>();
    for (int at = 0; at < bytes.length; ) {
      int n = Math.min(bytes.length - at, 1 + random.nextInt(3 * frames.get(0).length));
      messages.add(Arrays.copyOfRange(bytes, at, at + n));
      at += n;
    }
    return messages;
  }

  @Test
  void shouldFindBothNativeLibrariesHere() {
    assertThat(CODECS.unavailable(AudioFormat.Codec.LC3)).isEmpty();
    assertThat(CODECS.unavailable(AudioFormat.Codec.AAC)).isEmpty();
    assertThat(CODECS.report()).contains("lc3: available", "aac: available", "pcm8: available");
  }

  @ParameterizedTest
  @ValueSource(ints = {16000, 8000, 24000, 48000})
  void shouldDecodeLc3Fs1030WordExactWithTheCodecDelayRemoved(int rate) throws Exception {
    ToneScript script = ToneScript.random(new Random(rate), rate, 12, 600);
    List<byte[]> frames = TestEncoders.lc3(script.samples(), rate);
    assertThat(frames).allSatisfy(f -> assertThat(f).hasSize(30));
    byte[] pcm = decodeAll(decoder(AudioFormat.Codec.LC3, rate), frames);
    assertThat(pcm.length / 2).as("10 ms per frame, less the 2.5 ms codec delay")
        .isEqualTo(frames.size() * rate / 100 - rate / 400);
    HeardWords.assertExact(pcm, script, 0);
  }

  @Test
  void shouldDecodeSeveralLc3FramesInOneMessage() throws Exception {
    ToneScript script = ToneScript.random(new Random(2), 16000, 8, 400);
    List<byte[]> frames = TestEncoders.lc3(script.samples(), 16000);
    List<byte[]> grouped = new ArrayList<>();
    Random random = new Random(3);
    for (int at = 0; at < frames.size(); ) {
      int n = Math.min(frames.size() - at, 1 + random.nextInt(4));
      ByteArrayOutputStream message = new ByteArrayOutputStream();
      frames.subList(at, at + n).forEach(message::writeBytes);
      grouped.add(message.toByteArray());
      at += n;
    }
    byte[] one = decodeAll(decoder(AudioFormat.Codec.LC3, 16000), frames);
    byte[] many = decodeAll(decoder(AudioFormat.Codec.LC3, 16000), grouped);
    assertThat(many).isEqualTo(one);
    HeardWords.assertExact(many, script, 0);
  }

  @Test
  void shouldRefuseAnLc3MessageThatIsNotWholeFramesAndConcealACorruptOne() throws Exception {
    AudioDecoder lc3 = decoder(AudioFormat.Codec.LC3, 16000);
    assertThatThrownBy(() -> lc3.decode(new byte[29])).isInstanceOf(AudioDecoder.UndecodableFrameException.class)
        .hasMessageContaining("30-byte");
    assertThatThrownBy(() -> lc3.decode(new byte[45])).isInstanceOf(AudioDecoder.UndecodableFrameException.class);
    byte[] junk = new byte[30];
    new Random(9).nextBytes(junk);
    assertThat(lc3.decode(junk)).as("a corrupt frame is concealed: the timeline keeps its 10 ms")
        .hasSize(2 * (160 - 40));
    assertThat(lc3.decode(junk)).hasSize(2 * 160);
  }

  @Test
  void shouldDecodeAacAdtsWordExactWhateverTheMessageSplit() throws Exception {
    ToneScript script = ToneScript.random(new Random(5), 16000, 12, 600);
    List<byte[]> frames = TestEncoders.aac(script.pcm(), 16000);
    byte[] pcm = decodeAll(decoder(AudioFormat.Codec.AAC, 16000), frames);
    assertThat(pcm.length / 2).as("FAAD2 holds back the first 1024-sample frame (the encoder's priming)")
        .isEqualTo((frames.size() - 1) * 1024);
    HeardWords.assertExact(pcm, script, 0);
    byte[] resplit = decodeAll(decoder(AudioFormat.Codec.AAC, 16000), resplit(frames, new Random(6)));
    assertThat(resplit).isEqualTo(pcm);
  }

  @ParameterizedTest
  @ValueSource(ints = {8000, 24000, 48000})
  void shouldDecodeAacAtOtherRates(int rate) throws Exception {
    ToneScript script = ToneScript.random(new Random(rate + 1), rate, 8, 500);
    byte[] pcm = decodeAll(decoder(AudioFormat.Codec.AAC, rate), TestEncoders.aac(script.pcm(), rate));
    HeardWords.assertExact(pcm, script, 0);
  }

  @Test
  void shouldMixStereoAacDownToMono() throws Exception {
    ToneScript script = ToneScript.random(new Random(11), 16000, 6, 400);
    byte[] stereo = new byte[script.pcm().length * 2];
    byte[] mono = script.pcm();
    for (int i = 0; i < mono.length; i += 2) {
      System.arraycopy(mono, i, stereo, 2 * i, 2);
      System.arraycopy(mono, i, stereo, 2 * i + 2, 2);
    }
    byte[] pcm = decodeAll(decoder(AudioFormat.Codec.AAC, 16000), TestEncoders.aacChannels(stereo, 16000, 2));
    HeardWords.assertExact(pcm, script, 0);
  }

  @Test
  void shouldCallAacAtAnotherRateOrGarbageUndecodable() throws Exception {
    ToneScript script = ToneScript.random(new Random(12), 48000, 3, 300);
    List<byte[]> at48k = TestEncoders.aac(script.pcm(), 48000);
    AudioDecoder declared16k = decoder(AudioFormat.Codec.AAC, 16000);
    declared16k.decode(at48k.get(0)); // held back by FAAD2
    assertThatThrownBy(() -> declared16k.decode(at48k.get(1)))
        .isInstanceOf(AudioDecoder.UndecodableFrameException.class).hasMessageContaining("48000 Hz")
        .hasMessageContaining("sample_rate=16000");
    AudioDecoder aac = decoder(AudioFormat.Codec.AAC, 16000);
    byte[] junk = new byte[500];
    new Random(13).nextBytes(junk);
    junk[0] = 0; // no accidental header at the start
    assertThatThrownBy(() -> aac.decode(junk)).isInstanceOf(AudioDecoder.UndecodableFrameException.class);
    // and a valid stream still decodes after the junk
    ToneScript after = ToneScript.random(new Random(14), 16000, 4, 300);
    HeardWords.assertExact(decodeAll(aac, TestEncoders.aac(after.pcm(), 16000)), after, 0);
  }

  @Test
  void shouldSurviveRandomBytesInBothNativeDecoders() {
    Random random = new Random(21);
    AudioDecoder lc3 = decoder(AudioFormat.Codec.LC3, 16000);
    AudioDecoder aac = decoder(AudioFormat.Codec.AAC, 16000);
    for (int i = 0; i < 3000; i++) {
      byte[] junk = new byte[random.nextInt(4) == 0 ? 30 * (1 + random.nextInt(3)) : random.nextInt(3000)];
      random.nextBytes(junk);
      if (random.nextInt(3) == 0 && junk.length > 7) { // a plausible ADTS header in front of random payload
        junk[0] = (byte) 0xFF;
        junk[1] = (byte) 0xF1;
        junk[2] = (byte) 0x60;
        int len = Math.min(junk.length, 8 + random.nextInt(600));
        junk[3] = (byte) (0x40 | (len >> 11));
        junk[4] = (byte) (len >> 3);
        junk[5] = (byte) ((len & 7) << 5 | 0x1F);
      }
      for (AudioDecoder d : List.of(lc3, aac)) {
        try {
          byte[] pcm = d.decode(junk);
          assertThat(pcm.length % 2).isZero();
        } catch (AudioDecoder.UndecodableFrameException expected) {
          // dropped and counted by the session
        }
      }
    }
  }

  @Test
  void shouldReportAMissingLibraryAndRefuseOnlyItsCodec() {
    AudioCodecs missing = AudioCodecs.load("/nonexistent/liblc3.so", "no-such-faad-library");
    assertThat(missing.unavailable(AudioFormat.Codec.LC3)).get().asString().contains("/nonexistent/liblc3.so");
    assertThat(missing.unavailable(AudioFormat.Codec.AAC)).get().asString().contains("no-such-faad-library");
    assertThat(missing.unavailable(AudioFormat.Codec.PCM16)).isEmpty();
    assertThat(missing.unavailable(AudioFormat.Codec.OPUS)).isEmpty();
    assertThatThrownBy(() -> missing.decoder(new AudioFormat("en", 16000, AudioFormat.Codec.LC3, 1)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("lc3 is unavailable");
    assertThat(missing.decoder(new AudioFormat("en", 16000, AudioFormat.Codec.PCM16, 1))).isNotNull();
    assertThat(missing.report()).anyMatch(l -> l.startsWith("aac: UNAVAILABLE"));
  }
}
