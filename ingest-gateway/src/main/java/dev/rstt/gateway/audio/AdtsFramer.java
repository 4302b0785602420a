package dev.rstt.gateway.audio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a byte stream into ADTS frames by their headers (sync word {@code 0xFFF}, layer 0, 13-bit frame length).
 * A frame split over two app messages is joined; bytes that are not a frame header are skipped one by one until
 * the next header (counted in {@link #skipped()}). Pure; holds at most one incomplete frame.
 */
final class AdtsFramer {

  static final int HEADER_BYTES = 7;

  private byte[] buffer = new byte[0];
  private int length;
  private long skipped;

  /** Appends {@code data}; returns the frames now complete, in order. */
  List<byte[]> add(byte[] data) {
    if (length + data.length > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(length + data.length, 2 * buffer.length));
    }
    System.arraycopy(data, 0, buffer, length, data.length);
    length += data.length;
    List<byte[]> frames = new ArrayList<>(2);
    int at = 0;
    while (length - at >= HEADER_BYTES) {
      int frameLength = frameLength(buffer, at);
      if (frameLength < 0) {
        at++;
        skipped++;
        continue;
      }
      if (length - at < frameLength) {
        break;
      }
      frames.add(Arrays.copyOfRange(buffer, at, at + frameLength));
      at += frameLength;
    }
    System.arraycopy(buffer, at, buffer, 0, length - at);
    length -= at;
    return frames;
  }

  /** Bytes of an incomplete frame held for the next message. */
  int holding() {
    return length;
  }

  /** Bytes skipped so far because they were not inside a frame. */
  long skipped() {
    return skipped;
  }

  /** The frame length from an ADTS header at {@code at}, or -1 when there is no valid header there. */
  static int frameLength(byte[] b, int at) {
    if ((b[at] & 0xFF) != 0xFF || (b[at + 1] & 0xF6) != 0xF0) {
      return -1; // sync word 0xFFF and layer 00
    }
    if (((b[at + 2] >> 2) & 0x0F) > 12) {
      return -1; // sampling frequency index 13..15 is reserved or explicit, never in ADTS
    }
    int frameLength = ((b[at + 3] & 0x03) << 11) | ((b[at + 4] & 0xFF) << 3) | ((b[at + 5] & 0xE0) >> 5);
    boolean crc = (b[at + 1] & 0x01) == 0;
    return frameLength < HEADER_BYTES + (crc ? 2 : 0) ? -1 : frameLength;
  }
}
