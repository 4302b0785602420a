package dev.rstt.gateway.audio;

import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;

/** One Opus packet per app frame, decoded with Concentus (pure Java) to PCM16LE at the declared rate. */
final class OpusFrameDecoder implements AudioDecoder {

  private final OpusDecoder decoder;
  private final int channels;
  private final short[] pcm;
  private final int maxFrameSize;

  OpusFrameDecoder(int sampleRate, int channels) {
    try {
      this.decoder = new OpusDecoder(sampleRate, channels);
    } catch (OpusException e) {
      throw new IllegalArgumentException("Opus cannot decode at " + sampleRate + " Hz, " + channels + " channels", e);
    }
    this.channels = channels;
    this.maxFrameSize = sampleRate * 120 / 1000; // the longest Opus packet is 120 ms
    this.pcm = new short[maxFrameSize * channels];
  }

  @Override
  public byte[] decode(byte[] frame) throws UndecodableFrameException {
    int samples;
    try {
      samples = decoder.decode(frame, 0, frame.length, pcm, 0, maxFrameSize, false);
    } catch (OpusException | RuntimeException e) {
      // Concentus signals some malformed packets with runtime exceptions; they are bad input, not bugs here.
      throw new UndecodableFrameException("opus packet of " + frame.length + " bytes: " + e.getMessage());
    }
    if (samples < 0) {
      throw new UndecodableFrameException("opus decoder returned " + samples);
    }
    int values = samples * channels;
    byte[] out = new byte[values * 2];
    for (int i = 0; i < values; i++) {
      short s = pcm[i];
      out[2 * i] = (byte) s;
      out[2 * i + 1] = (byte) (s >> 8);
    }
    return out;
  }
}
