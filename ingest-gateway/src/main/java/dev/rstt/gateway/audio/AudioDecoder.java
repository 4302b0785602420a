package dev.rstt.gateway.audio;

/** Turns one inbound app frame into PCM16LE sample frames. One instance per session; not thread-safe. */
public interface AudioDecoder {

  /** Thrown for a frame that cannot be decoded; the frame is dropped and counted, the session goes on. */
  final class UndecodableFrameException extends Exception {
    public UndecodableFrameException(String message) {
      super(message);
    }
  }

  /** PCM16LE, a whole number of sample frames (possibly empty). */
  byte[] decode(byte[] frame) throws UndecodableFrameException;

  /**
   * Whether the decoder holds input back for the next message (part of a sample frame or of a codec frame): the
   * boundary after the last message is then not clean, and a session cannot be resumed there with a fresh decoder.
   */
  default boolean holdsBytes() {
    return false;
  }

  /** A decoder of a pure-Java codec (PCM, Opus); native codecs come from {@link AudioCodecs#decoder}. */
  static AudioDecoder forFormat(AudioFormat format) {
    return AudioCodecs.javaOnly().decoder(format);
  }
}
