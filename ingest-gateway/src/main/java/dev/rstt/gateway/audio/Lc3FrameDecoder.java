package dev.rstt.gateway.audio;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.Arrays;

/**
 * {@code lc3_fs1030}: LC3 frames of 10 ms and 30 bytes (24 kbit/s), decoded by liblc3. omi sends one frame per
 * binary message; a message holding several whole frames is decoded frame by frame, a message that is not a whole
 * number of frames is undecodable. A frame liblc3 finds corrupt is concealed by the library (the timeline keeps
 * its length).
 *
 * <p>Codec delay: liblc3 reports the codec's algorithmic delay ({@code lc3_delay_samples}, 2.5 ms for 10 ms
 * frames); the first that many decoded samples are dropped, so decoded sample n is the device's sample n and
 * session times are the device's times.
 */
final class Lc3FrameDecoder implements AudioDecoder {

  static final int FRAME_US = 10_000;
  static final int FRAME_BYTES = 30;

  private final Lc3Library lc3;
  private final Memory memory; // the decoder's state; must stay reachable as long as the decoder
  private final Pointer decoder;
  private final short[] pcm;
  private int toSkip;

  Lc3FrameDecoder(Lc3Library lc3, int sampleRate) {
    this(lc3, sampleRate, true);
  }

  /**
   * @param skipDelay drop the codec delay at the start (a new session); false when the decoder continues a stream
   *     another decoder began (a session resumed on another gateway: the delay was dropped there)
   */
  Lc3FrameDecoder(Lc3Library lc3, int sampleRate, boolean skipDelay) {
    this.lc3 = lc3;
    int samples = lc3.lc3_frame_samples(FRAME_US, sampleRate);
    int size = lc3.lc3_decoder_size(FRAME_US, sampleRate);
    if (samples <= 0 || size <= 0) {
      throw new IllegalArgumentException("liblc3 cannot decode 10 ms frames at " + sampleRate + " Hz");
    }
    this.memory = new Memory(size);
    this.decoder = lc3.lc3_setup_decoder(FRAME_US, sampleRate, sampleRate, memory);
    if (decoder == null) {
      throw new IllegalArgumentException("liblc3 refused a decoder at " + sampleRate + " Hz");
    }
    this.pcm = new short[samples];
    this.toSkip = skipDelay ? Math.max(0, lc3.lc3_delay_samples(FRAME_US, sampleRate)) : 0;
  }

  @Override
  public byte[] decode(byte[] frame) throws UndecodableFrameException {
    if (frame.length == 0 || frame.length % FRAME_BYTES != 0) {
      throw new UndecodableFrameException("lc3_fs1030 message of " + frame.length
          + " bytes is not a whole number of " + FRAME_BYTES + "-byte frames");
    }
    int frames = frame.length / FRAME_BYTES;
    byte[] out = new byte[frames * pcm.length * 2];
    int written = 0;
    for (int f = 0; f < frames; f++) {
      byte[] in = Arrays.copyOfRange(frame, f * FRAME_BYTES, (f + 1) * FRAME_BYTES);
      if (lc3.lc3_decode(decoder, in, FRAME_BYTES, Lc3Library.PCM_FORMAT_S16, pcm, 1) < 0) {
        throw new UndecodableFrameException("liblc3 refused a frame");
      }
      for (short s : pcm) {
        if (toSkip > 0) {
          toSkip--;
          continue;
        }
        out[written++] = (byte) s;
        out[written++] = (byte) (s >> 8);
      }
    }
    return written == out.length ? out : Arrays.copyOf(out, written);
  }
}
