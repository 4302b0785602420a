package dev.rstt.gateway.audio;

import com.sun.jna.Library;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.ByteByReference;
import com.sun.jna.ptr.NativeLongByReference;

/** The decoding API of FAAD2 ({@code neaacdec.h}, Debian's {@code libfaad2}), called through JNA. */
public interface Faad2Library extends Library {

  /** {@code FAAD_FMT_16BIT}. */
  byte FMT_16BIT = 1;

  Pointer NeAACDecOpen();

  Pointer NeAACDecGetCurrentConfiguration(Pointer decoder);

  byte NeAACDecSetConfiguration(Pointer decoder, Configuration config);

  /** Reads the stream's first header; returns bytes to skip (0 for ADTS) or a negative value on error. */
  NativeLong NeAACDecInit(Pointer decoder, byte[] buffer, NativeLong size, NativeLongByReference sampleRate,
      ByteByReference channels);

  /** Decodes one frame; returns the decoder's own buffer of {@code info.samples} interleaved samples, or null. */
  Pointer NeAACDecDecode(Pointer decoder, FrameInfo info, byte[] buffer, NativeLong size);

  String NeAACDecGetErrorMessage(byte code);

  void NeAACDecClose(Pointer decoder);

  /** {@code NeAACDecConfiguration}. */
  @Structure.FieldOrder({"defObjectType", "defSampleRate", "outputFormat", "downMatrix", "useOldADTSFormat",
      "dontUpSampleImplicitSBR"})
  class Configuration extends Structure {
    public byte defObjectType;
    public NativeLong defSampleRate;
    public byte outputFormat;
    public byte downMatrix;
    public byte useOldADTSFormat;
    public byte dontUpSampleImplicitSBR;

    public Configuration(Pointer p) {
      super(p);
      read();
    }
  }

  /** {@code NeAACDecFrameInfo}. */
  @Structure.FieldOrder({"bytesconsumed", "samples", "channels", "error", "samplerate", "sbr", "objectType",
      "headerType", "numFrontChannels", "numSideChannels", "numBackChannels", "numLfeChannels", "channelPosition",
      "ps"})
  class FrameInfo extends Structure {
    public NativeLong bytesconsumed;
    public NativeLong samples;
    public byte channels;
    public byte error;
    public NativeLong samplerate;
    public byte sbr;
    public byte objectType;
    public byte headerType;
    public byte numFrontChannels;
    public byte numSideChannels;
    public byte numBackChannels;
    public byte numLfeChannels;
    public byte[] channelPosition = new byte[64];
    public byte ps;
  }
}
