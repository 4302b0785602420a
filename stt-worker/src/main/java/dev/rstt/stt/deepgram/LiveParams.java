package dev.rstt.stt.deepgram;

/** What a live connection is opened with: the audio format of the session's chunks and its keyterms. */
public record LiveParams(String language, int sampleRate, int channels, java.util.List<String> keyterms) {

  public LiveParams {
    keyterms = keyterms == null ? java.util.List.of() : java.util.List.copyOf(keyterms);
  }

  /** Without keyterms. */
  public LiveParams(String language, int sampleRate, int channels) {
    this(language, sampleRate, channels, java.util.List.of());
  }
}
