package dev.rstt.batch.deepgram;

/** What one pre-recorded call needs: the chunk's audio and the session's language and keyterms. */
public record ChunkRequest(byte[] pcm, int sampleRate, int channels, String language, java.util.List<String> keyterms) {

  public ChunkRequest {
    keyterms = keyterms == null ? java.util.List.of() : java.util.List.copyOf(keyterms);
  }

  /** Without keyterms. */
  public ChunkRequest(byte[] pcm, int sampleRate, int channels, String language) {
    this(pcm, sampleRate, channels, language, java.util.List.of());
  }
}
