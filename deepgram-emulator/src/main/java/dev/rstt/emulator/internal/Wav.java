package dev.rstt.emulator.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Where the 16-bit PCM samples of a RIFF/WAVE body start, and their format. */
public record Wav(int sampleRate, int channels, int dataOffset, int dataLength) {

  public static boolean looksLikeWav(byte[] b) {
    return b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'A'
        && b[10] == 'V' && b[11] == 'E';
  }

  /**
   * Walks the chunks of {@code b}; returns null unless it is 16-bit PCM WAVE whose fmt chunk precedes its data
   * chunk. A data size that overruns the bytes (streaming writers) is cut to what is there.
   */
  public static Wav parse(byte[] b) {
    if (!looksLikeWav(b)) {
      return null;
    }
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int pos = 12;
    int rate = -1;
    int channels = -1;
    while (pos + 8 <= b.length) {
      String id = new String(b, pos, 4, StandardCharsets.US_ASCII);
      long size = bb.getInt(pos + 4) & 0xFFFFFFFFL;
      int body = pos + 8;
      if (id.equals("fmt ")) {
        if (body + 16 > b.length) {
          return null;
        }
        int format = bb.getShort(body) & 0xFFFF;
        channels = bb.getShort(body + 2);
        rate = bb.getInt(body + 4);
        int bits = bb.getShort(body + 14);
        if ((format != 1 && format != 0xFFFE) || bits != 16 || channels < 1 || rate < 4000 || rate > 192000) {
          return null;
        }
      } else if (id.equals("data")) {
        if (rate < 0) {
          return null;
        }
        long length = Math.min(size, b.length - body);
        return new Wav(rate, channels, body, (int) length);
      }
      pos = (int) Math.min(Integer.MAX_VALUE, body + size + (size & 1));
    }
    return null;
  }
}
