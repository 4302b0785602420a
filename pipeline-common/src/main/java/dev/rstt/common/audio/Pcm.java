package dev.rstt.common.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** PCM16LE helpers shared by the gateway, the workers and the emulator. */
public final class Pcm {

  private Pcm() {
  }

  /** Sample frames (samples per channel) in {@code bytes} of PCM16 with {@code channels} channels. */
  public static long frames(int bytes, int channels) {
    return bytes / (2L * channels);
  }

  /** Session-timeline seconds of a sample position. */
  public static double seconds(long samples, int sampleRate) {
    return (double) samples / sampleRate;
  }

  /** The sample position nearest a session-timeline time. */
  public static long samples(double seconds, int sampleRate) {
    return Math.round(seconds * sampleRate);
  }

  /**
   * A RIFF/WAVE file (44-byte header, PCM format 1, 16-bit) around {@code pcm}, as Deepgram's pre-recorded
   * API accepts it.
   */
  public static byte[] wav(byte[] pcm, int sampleRate, int channels) {
    ByteBuffer b = ByteBuffer.allocate(44 + pcm.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {'R', 'I', 'F', 'F'}).putInt(36 + pcm.length).put(new byte[] {'W', 'A', 'V', 'E'});
    b.put(new byte[] {'f', 'm', 't', ' '}).putInt(16).putShort((short) 1).putShort((short) channels)
        .putInt(sampleRate).putInt(sampleRate * channels * 2).putShort((short) (channels * 2)).putShort((short) 16);
    b.put(new byte[] {'d', 'a', 't', 'a'}).putInt(pcm.length).put(pcm);
    return b.array();
  }

  /** Root-mean-square level of PCM16LE samples {@code [from, to)} (sample indices over all channels). */
  public static double rms(byte[] pcm, int fromSample, int toSample) {
    if (toSample <= fromSample) {
      return 0;
    }
    double sum = 0;
    for (int i = fromSample; i < toSample; i++) {
      int s = (short) ((pcm[2 * i] & 0xFF) | (pcm[2 * i + 1] << 8));
      sum += (double) s * s;
    }
    return Math.sqrt(sum / (toSample - fromSample));
  }
}
