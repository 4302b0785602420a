package dev.rstt.gateway.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdtsFramerTest {

  /** An ADTS header (no CRC, AAC-LC, 16 kHz, mono) for a frame of {@code length} bytes, then filler. */
  static byte[] frame(int length, int fill) {
    byte[] f = new byte[length];
    Arrays.fill(f, (byte) fill);
    f[0] = (byte) 0xFF;
    f[1] = (byte) 0xF1;
    f[2] = (byte) 0x60;
    f[3] = (byte) (0x40 | (length >> 11));
    f[4] = (byte) (length >> 3);
    f[5] = (byte) ((length & 7) << 5 | 0x1F);
    f[6] = (byte) 0xFC;
    return f;
  }

  @Test
  void shouldCutFramesJoinSplitOnesAndSkipJunk() {
    AdtsFramer framer = new AdtsFramer();
    byte[] a = frame(20, 1);
    byte[] b = frame(9, 2);
    byte[] c = frame(300, 3);
    assertThat(framer.add(Arrays.copyOf(a, 3))).isEmpty();
    List<byte[]> first = framer.add(concat(Arrays.copyOfRange(a, 3, 20), b, Arrays.copyOf(c, 100)));
    assertThat(first).containsExactly(a, b);
    assertThat(framer.add(concat(Arrays.copyOfRange(c, 100, 300), new byte[] {1, 2, 3}))).containsExactly(c);
    assertThat(framer.skipped()).isZero();
    assertThat(framer.add(frame(7, 0))).as("junk before a header is skipped byte by byte").hasSize(1);
    assertThat(framer.skipped()).isEqualTo(3);
  }

  @Test
  void shouldNotTakeAHeaderWithAnImpossibleLength() {
    byte[] tooShort = frame(8, 0);
    tooShort[1] = (byte) 0xF0; // CRC present: the header alone is 9 bytes
    assertThat(AdtsFramer.frameLength(tooShort, 0)).isEqualTo(-1);
    assertThat(AdtsFramer.frameLength(frame(8, 0), 0)).isEqualTo(8);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
