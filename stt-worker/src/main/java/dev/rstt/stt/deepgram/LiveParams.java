package dev.rstt.stt.deepgram;

/** What a live connection is opened with: the audio format of the session's chunks. */
public record LiveParams(String language, int sampleRate, int channels) {
}
