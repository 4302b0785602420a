package dev.rstt.batch.deepgram;

/** What one pre-recorded call needs: the chunk's audio, the session's language and keyterms, and its channel (section 11). */
public record ChunkRequest(byte[] pcm, int sampleRate, int channels, String language, java.util.List<String> keyterms,
    int channel) {

  public ChunkRequest {
    keyterms = keyterms == null ? java.util.List.of() : java.util.List.copyOf(keyterms);
  }

  /** A one-channel session's. */
  public ChunkRequest(byte[] pcm, int sampleRate, int channels, String language, java.util.List<String> keyterms) {
    this(pcm, sampleRate, channels, language, keyterms, 0);
  }

  /** Without keyterms. */
  public ChunkRequest(byte[] pcm, int sampleRate, int channels, String language) {
    this(pcm, sampleRate, channels, language, java.util.List.of());
  }
}
