package dev.rstt.tools;

import dev.rstt.testsupport.ToneScript;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One script's audio as complete WebSocket binary frames (RFC 6455 section 5.2: header, masking key, masked
 * payload), encoded once and shared by every client streaming that script: a send writes a duplicate of a read-only
 * buffer, with no copy, no masking and no encoding per frame. A client must mask its frames and the servers check
 * that; the key is fixed per script here (a load generator sends nothing a proxy could be tricked with).
 */
final class BenchFrames {

  final ToneScript script;
  /** The PCM of each frame, for tests. */
  final List<byte[]> pcm;
  private final List<ByteBuf> encoded = new ArrayList<>();

  BenchFrames(ToneScript script, int frameMs, long maskSeed) {
    this.script = script;
    this.pcm = script.frames(frameMs);
    Random random = new Random(maskSeed);
    for (byte[] payload : pcm) {
      byte[] mask = new byte[4];
      random.nextBytes(mask);
      encoded.add(Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(encode(payload, mask)).asReadOnly()));
    }
  }

  /** A final binary frame carrying {@code payload}, masked with {@code mask}. */
  static byte[] encode(byte[] payload, byte[] mask) {
    int n = payload.length;
    if (n > 0xFFFF) {
      throw new IllegalArgumentException("frame of " + n + " bytes");
    }
    int header = n < 126 ? 2 : 4;
    byte[] out = new byte[header + 4 + n];
    out[0] = (byte) 0x82; // FIN, binary
    if (n < 126) {
      out[1] = (byte) (0x80 | n);
    } else {
      out[1] = (byte) (0x80 | 126);
      out[2] = (byte) (n >>> 8);
      out[3] = (byte) n;
    }
    System.arraycopy(mask, 0, out, header, 4);
    for (int i = 0; i < n; i++) {
      out[header + 4 + i] = (byte) (payload[i] ^ mask[i & 3]);
    }
    return out;
  }

  int size() {
    return encoded.size();
  }

  /** Frame {@code i}, ready to write to a socket (a duplicate sharing the encoded bytes). */
  ByteBuf frame(int i) {
    return encoded.get(i).duplicate();
  }
}
