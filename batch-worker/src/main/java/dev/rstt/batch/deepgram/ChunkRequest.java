package dev.rstt.batch.deepgram;

/** What one pre-recorded call needs: the chunk's audio and the session's language. */
public record ChunkRequest(byte[] pcm, int sampleRate, int channels, String language) {
}
