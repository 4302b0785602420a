package dev.rstt.tools.chaos;

/**
 * What of a session's audio Kafka holds ({@code audio.frames}): the end (session-timeline sample) of the contiguous
 * chunks from seq 0, and whether its {@code SessionEnded} is there. Ground truth for a session whose gateway was
 * killed: only this audio can be transcribed.
 */
public record DurablePosition(long endSample, int chunks, boolean ended) {
}
