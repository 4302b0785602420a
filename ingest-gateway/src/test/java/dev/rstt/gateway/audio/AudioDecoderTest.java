package dev.rstt.gateway.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import dev.rstt.testsupport.ToneScript;
import org.junit.jupiter.api.Test;

class AudioDecoderTest {

  @Test
  void shouldPassPcmThroughKeepingSplitSampleFramesTogether() throws Exception {
    AudioDecoder stereo = AudioDecoder.forFormat(new AudioFormat("en", 16000, AudioFormat.Codec.PCM16, 2));
    byte[] audio = new byte[4000];
    new Random(1).nextBytes(audio);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Random sizes = new Random(2);
    int at = 0;
    while (at < audio.length) {
      int n = Math.min(audio.length - at, 1 + sizes.nextInt(9));
      byte[] pcm = stereo.decode(Arrays.copyOfRange(audio, at, at + n));
      assertThat(pcm.length % 4).isZero();
      out.writeBytes(pcm);
      at += n;
    }
    assertThat(out.toByteArray()).isEqualTo(audio);
  }

  @Test
  void shouldDecodeOpusToTwentyMillisecondsOfPcmPerPacket() throws Exception {
    for (int rate : new int[] {8000, 12000, 16000, 24000, 48000}) {
      AudioDecoder decoder = AudioDecoder.forFormat(new AudioFormat("en", rate, AudioFormat.Codec.OPUS, 1));
      OpusEncoder encoder = new OpusEncoder(rate, 1, OpusApplication.OPUS_APPLICATION_AUDIO);
      int frame = rate / 50;
      short[] tone = new short[frame];
      double energyIn = 0;
      double energyOut = 0;
      for (int packet = 0; packet < 20; packet++) {
        for (int n = 0; n < frame; n++) {
          tone[n] = (short) (10000 * Math.sin(2 * Math.PI * 440 * (packet * frame + n) / rate));
          energyIn += tone[n] * (double) tone[n];
        }
        byte[] buf = new byte[1500];
        int len = encoder.encode(tone, 0, frame, buf, 0, buf.length);
        byte[] pcm = decoder.decode(Arrays.copyOf(buf, len));
        assertThat(pcm).hasSize(frame * 2);
        for (int i = 0; i < pcm.length; i += 2) {
          short s = (short) ((pcm[i] & 0xFF) | (pcm[i + 1] << 8));
          energyOut += s * (double) s;
        }
      }
      assertThat(energyOut / energyIn).as("energy kept at %d Hz", rate).isBetween(0.3, 3.0);
    }
  }

  @Test
  void shouldReadPcm8AsUnsigned8BitAudioOneBytePerSample() throws Exception {
    ToneScript script = ToneScript.random(new Random(3), 16000, 10, 500);
    AudioDecoder pcm8 = AudioDecoder.forFormat(new AudioFormat("en", 16000, AudioFormat.Codec.PCM8, 1));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] frame : TestEncoders.pcm8(script.samples(), 16000)) {
      out.writeBytes(pcm8.decode(frame));
    }
    byte[] pcm = out.toByteArray();
    assertThat(pcm.length / 2).as("one sample per byte, not one per two").isEqualTo(script.sampleCount());
    HeardWords.assertExact(pcm, script, 0);
    assertThat(pcm8.decode(new byte[] {(byte) 128, 0, (byte) 255})).as("128 is zero, 0 the floor, 255 the top")
        .containsExactly(0, 0, 0, (byte) 0x80, 0, 0x7F);
  }

  @Test
  void shouldKeepPcm8StereoSampleFramesTogetherAcrossMessages() throws Exception {
    AudioDecoder stereo = AudioDecoder.forFormat(new AudioFormat("en", 8000, AudioFormat.Codec.PCM8, 2));
    assertThat(stereo.decode(new byte[] {(byte) 129})).isEmpty();
    assertThat(stereo.decode(new byte[] {(byte) 127, (byte) 130})).containsExactly(0, 1, 0, (byte) 0xFF);
    assertThat(stereo.decode(new byte[] {(byte) 126})).containsExactly(0, 2, 0, (byte) 0xFE);
  }

  @Test
  void shouldDecodeOpusFs320WordExact() throws Exception {
    for (int rate : new int[] {16000, 48000}) {
      ToneScript script = ToneScript.random(new Random(rate), rate, 10, 500);
      AudioDecoder opus = AudioDecoder.forFormat(new AudioFormat("en", rate, AudioFormat.Codec.OPUS, 1));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (byte[] packet : TestEncoders.opus(script.samples(), rate, rate / 50)) {
        out.writeBytes(opus.decode(packet));
      }
      HeardWords.assertExact(out.toByteArray(), script, 0);
    }
  }

  @Test
  void shouldReportGarbageOpusAsUndecodable() {
    AudioDecoder decoder = AudioDecoder.forFormat(new AudioFormat("en", 16000, AudioFormat.Codec.OPUS, 1));
    assertThatThrownBy(() -> decoder.decode(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2, 3}))
        .isInstanceOf(AudioDecoder.UndecodableFrameException.class);
  }
}
