package dev.rstt.gateway.audio;

/**
 * {@code pcm8}: unsigned 8-bit PCM, one byte per sample, 128 the zero line, as omi's receiver reads it (bias by
 * -128, then widen to 16 bits). Each sample becomes {@code (u8 - 128) << 8}. With two channels a frame that ends
 * between the channels of a sample frame keeps its tail for the next frame.
 */
final class Pcm8Decoder implements AudioDecoder {

  private final int channels;
  private final byte[] carry;
  private int carried;

  Pcm8Decoder(int channels) {
    this.channels = channels;
    this.carry = new byte[channels];
  }

  @Override
  public byte[] decode(byte[] frame) {
    int total = carried + frame.length;
    int usable = total - total % channels;
    byte[] out = new byte[usable * 2];
    for (int i = 0; i < usable; i++) {
      int u8 = (i < carried ? carry[i] : frame[i - carried]) & 0xFF;
      int s16 = (u8 - 128) << 8;
      out[2 * i] = (byte) s16;
      out[2 * i + 1] = (byte) (s16 >> 8);
    }
    int rest = total - usable;
    byte[] tail = new byte[rest];
    for (int i = 0; i < rest; i++) {
      int at = usable + i;
      tail[i] = at < carried ? carry[at] : frame[at - carried];
    }
    System.arraycopy(tail, 0, carry, 0, rest);
    carried = rest;
    return out;
  }

  @Override
  public boolean holdsBytes() {
    return carried > 0;
  }
}
