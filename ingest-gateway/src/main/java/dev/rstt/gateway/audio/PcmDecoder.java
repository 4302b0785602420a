package dev.rstt.gateway.audio;

import java.util.Arrays;

/**
 * pcm16 (and pcm): signed 16-bit little-endian PCM, passed through. A frame that ends inside a sample frame
 * keeps its tail for the next frame, so the timeline never shifts by a byte.
 */
final class PcmDecoder implements AudioDecoder {

  private final int frameBytes;
  private final byte[] carry;
  private int carried;

  PcmDecoder(int frameBytes) {
    this.frameBytes = frameBytes;
    this.carry = new byte[frameBytes];
  }

  @Override
  public byte[] decode(byte[] frame) {
    int total = carried + frame.length;
    int usable = total - total % frameBytes;
    byte[] out = new byte[usable];
    int fromCarry = Math.min(carried, usable);
    System.arraycopy(carry, 0, out, 0, fromCarry);
    int fromFrame = usable - fromCarry;
    System.arraycopy(frame, 0, out, fromCarry, fromFrame);
    int rest = frame.length - fromFrame;
    if (fromCarry < carried) {
      // not enough for one frame: append the new bytes to the carry
      System.arraycopy(frame, 0, carry, carried, frame.length);
      carried += frame.length;
    } else {
      System.arraycopy(frame, fromFrame, carry, 0, rest);
      carried = rest;
    }
    return usable == 0 ? new byte[0] : Arrays.copyOf(out, usable);
  }

  @Override
  public boolean holdsBytes() {
    return carried > 0;
  }
}
