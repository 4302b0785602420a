package dev.rstt.gateway.audio;

import com.sun.jna.Library;
import com.sun.jna.Pointer;

/**
 * The decoder half of Google's liblc3 ({@code lc3.h}), called through JNA. Only functions present in every liblc3
 * release since 1.0 are declared, so Debian bookworm's {@code liblc3-0} and later {@code liblc3-1} both work.
 */
public interface Lc3Library extends Library {

  /** {@code enum lc3_pcm_format}: signed 16-bit samples in the host's byte order. */
  int PCM_FORMAT_S16 = 0;

  /** Samples per frame, or -1 for a bad duration or rate. */
  int lc3_frame_samples(int dtUs, int srHz);

  /** Algorithmic delay of the codec in samples (what a decoder's output lags its encoder's input). */
  int lc3_delay_samples(int dtUs, int srHz);

  /** Bytes of memory a decoder needs. */
  int lc3_decoder_size(int dtUs, int srHz);

  /** Sets a decoder up in {@code mem} (which must live as long as the decoder); null on bad parameters. */
  Pointer lc3_setup_decoder(int dtUs, int srHz, int srPcmHz, Pointer mem);

  /**
   * Decodes one frame of {@code nbytes} (a null {@code in} conceals a lost frame). Returns 0 when decoded, 1 when
   * the frame was bad and concealment filled in, -1 on bad parameters.
   */
  int lc3_decode(Pointer decoder, byte[] in, int nbytes, int fmt, short[] pcm, int stride);
}
