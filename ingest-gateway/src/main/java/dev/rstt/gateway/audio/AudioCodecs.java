package dev.rstt.gateway.audio;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which codecs this server can decode, and the decoder for a session. PCM and Opus are pure Java and always
 * there; LC3 and AAC call native libraries (liblc3, libfaad2) that are loaded once here. A library that is
 * missing or broken makes only its codec unavailable: the socket refuses that codec with a clear reason and the
 * rest keep working.
 */
public final class AudioCodecs {

  private final Lc3Library lc3;
  private final String lc3Missing;
  private final Faad2Library faad;
  private final String aacMissing;

  private AudioCodecs(Lc3Library lc3, String lc3Missing, Faad2Library faad, String aacMissing) {
    this.lc3 = lc3;
    this.lc3Missing = lc3Missing;
    this.faad = faad;
    this.aacMissing = aacMissing;
  }

  /**
   * Loads the native libraries by name ({@code lc3} finds {@code liblc3.so} or the highest {@code liblc3.so.N}) or
   * by absolute path, and checks each answers a harmless call.
   */
  public static AudioCodecs load(String lc3Library, String aacLibrary) {
    Lc3Library lc3 = null;
    String lc3Missing = null;
    try {
      Lc3Library candidate = Native.load(lc3Library, Lc3Library.class);
      if (candidate.lc3_frame_samples(Lc3FrameDecoder.FRAME_US, 16000) != 160
          || candidate.lc3_decoder_size(Lc3FrameDecoder.FRAME_US, 16000) <= 0) {
        lc3Missing = "library '" + lc3Library + "' does not behave as liblc3";
      } else {
        lc3 = candidate;
      }
    } catch (LinkageError | RuntimeException e) {
      lc3Missing = "library '" + lc3Library + "' not loadable: " + firstLine(e);
    }
    Faad2Library faad = null;
    String aacMissing = null;
    try {
      Faad2Library candidate = Native.load(aacLibrary, Faad2Library.class);
      Pointer handle = candidate.NeAACDecOpen();
      if (handle == null) {
        aacMissing = "library '" + aacLibrary + "' could not open a decoder";
      } else {
        candidate.NeAACDecClose(handle);
        faad = candidate;
      }
    } catch (LinkageError | RuntimeException e) {
      aacMissing = "library '" + aacLibrary + "' not loadable: " + firstLine(e);
    }
    return new AudioCodecs(lc3, lc3Missing, faad, aacMissing);
  }

  /** PCM and Opus only (no native library loaded). */
  public static AudioCodecs javaOnly() {
    return new AudioCodecs(null, "native codecs not loaded", null, "native codecs not loaded");
  }

  /** Why {@code codec} cannot be decoded here, or empty when it can. */
  public Optional<String> unavailable(AudioFormat.Codec codec) {
    return Optional.ofNullable(switch (codec) {
      case LC3 -> lc3Missing;
      case AAC -> aacMissing;
      default -> null;
    });
  }

  /** A fresh decoder for one session. Throws {@link IllegalStateException} for an unavailable codec. */
  public AudioDecoder decoder(AudioFormat format) {
    return decoder(format, false);
  }

  /**
   * A decoder for a session resumed here after another gateway held it: it continues a stream another decoder
   * began, so it drops no codec delay at its start (the first decoder did); its first
   * {@link AudioFormat.Codec#primingMessages()} messages only warm it up.
   */
  public AudioDecoder continuingDecoder(AudioFormat format) {
    return decoder(format, true);
  }

  /**
   * The decoders of a session, one per channel of {@link ChannelFraming#channels} (a multi-channel session decodes
   * each channel on its own, mono, docs/CONTRACT.md section 11); {@code continuing}: for a session taken over from
   * another gateway (see {@link #continuingDecoder}).
   */
  public List<AudioDecoder> decoders(AudioFormat format, boolean continuing) {
    if (!ChannelFraming.framed(format)) {
      return List.of(decoder(format, continuing));
    }
    List<AudioDecoder> out = new ArrayList<>();
    for (int ignored : ChannelFraming.channels(format)) {
      out.add(decoder(format.mono(), continuing));
    }
    return out;
  }

  private AudioDecoder decoder(AudioFormat format, boolean continuing) {
    unavailable(format.codec()).ifPresent(reason -> {
      throw new IllegalStateException(format.codec().wireName() + " is unavailable: " + reason);
    });
    return switch (format.codec()) {
      case PCM16 -> new PcmDecoder(format.frameBytes());
      case PCM8 -> new Pcm8Decoder(format.channels());
      case OPUS -> new OpusFrameDecoder(format.sampleRate(), format.channels());
      case LC3 -> new Lc3FrameDecoder(lc3, format.sampleRate(), !continuing);
      case AAC -> new AacFrameDecoder(faad, format.sampleRate());
    };
  }

  /** One line per codec for the start-up log. */
  public List<String> report() {
    List<String> lines = new ArrayList<>();
    for (AudioFormat.Codec codec : AudioFormat.Codec.values()) {
      lines.add(codec.wireName() + ": " + unavailable(codec).map(r -> "UNAVAILABLE (" + r + ")").orElse("available"));
    }
    return lines;
  }

  private static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
