package dev.rstt.common.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A parsed PCM16 RIFF/WAVE file: format and the samples of its {@code data} chunk. */
public record WavFile(int sampleRate, int channels, byte[] pcm) {

  /** Parses a WAVE file, walking its chunks; only 16-bit PCM (format 1 or WAVE_FORMAT_EXTENSIBLE) is accepted. */
  public static WavFile parse(byte[] bytes) {
    if (bytes.length < 12 || !"RIFF".equals(ascii(bytes, 0)) || !"WAVE".equals(ascii(bytes, 8))) {
      throw new IllegalArgumentException("Not a RIFF/WAVE file");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int pos = 12;
    int rate = -1;
    int channels = -1;
    while (pos + 8 <= bytes.length) {
      String id = ascii(bytes, pos);
      int size = b.getInt(pos + 4);
      int body = pos + 8;
      if (size < 0 || body + (long) size > bytes.length) {
        size = bytes.length - body; // streaming writers leave the size unset; take the rest
      }
      if ("fmt ".equals(id)) {
        int format = b.getShort(body) & 0xFFFF;
        channels = b.getShort(body + 2);
        rate = b.getInt(body + 4);
        int bits = b.getShort(body + 14);
        if ((format != 1 && format != 0xFFFE) || bits != 16) {
          throw new IllegalArgumentException("Only 16-bit PCM WAVE is supported (format " + format + ", " + bits + " bits)");
        }
      } else if ("data".equals(id)) {
        if (rate <= 0) {
          throw new IllegalArgumentException("WAVE data chunk before its fmt chunk");
        }
        return new WavFile(rate, channels, Arrays.copyOfRange(bytes, body, body + size));
      }
      pos = body + size + (size & 1);
    }
    throw new IllegalArgumentException("WAVE file has no data chunk");
  }

  private static String ascii(byte[] bytes, int at) {
    return new String(bytes, at, 4, StandardCharsets.US_ASCII);
  }
}
