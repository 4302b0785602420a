package dev.rstt.gateway.support;

import java.util.ArrayList;
import java.util.List;

/** A two-channel app's messages in omi's framing (docs/CONTRACT.md section 11): {@code [channel id][audio]}. */
public final class OmiFraming {

  private OmiFraming() {
  }

  /** {@code audio} of channel {@code id} as one message. */
  public static byte[] framed(int id, byte[] audio) {
    byte[] message = new byte[audio.length + 1];
    message[0] = (byte) id;
    System.arraycopy(audio, 0, message, 1, audio.length);
    return message;
  }

  /**
   * A call: the mic's ({@code 0x01}) and the other side's ({@code 0x02}) messages in turn, as a phone sends them in
   * real time, the longer channel's rest at the end. While both have audio, the mic's message {@code k} is at index
   * {@code 2k}.
   */
  public static List<byte[]> interleave(List<byte[]> mic, List<byte[]> other) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < Math.max(mic.size(), other.size()); i++) {
      if (i < mic.size()) {
        out.add(framed(1, mic.get(i)));
      }
      if (i < other.size()) {
        out.add(framed(2, other.get(i)));
      }
    }
    return out;
  }
}
