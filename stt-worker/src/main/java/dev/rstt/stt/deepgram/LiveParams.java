package dev.rstt.stt.deepgram;

/**
 * What a live connection is opened with: the audio format of the session's chunks, its keyterms, and the session's
 * channel the stream transcribes (0 for a one-channel session; docs/CONTRACT.md section 11).
 */
public record LiveParams(String language, int sampleRate, int channels, java.util.List<String> keyterms,
    int channel) {

  public LiveParams {
    keyterms = keyterms == null ? java.util.List.of() : java.util.List.copyOf(keyterms);
  }

  /** A one-channel session's. */
  public LiveParams(String language, int sampleRate, int channels, java.util.List<String> keyterms) {
    this(language, sampleRate, channels, keyterms, 0);
  }

  /** Without keyterms. */
  public LiveParams(String language, int sampleRate, int channels) {
    this(language, sampleRate, channels, java.util.List.of());
  }
}
