package dev.rstt.tools.chaos;

/**
 * What of a session's audio Kafka holds ({@code audio.frames}): the end (session-timeline sample) of the audio it
 * holds without a gap from sample 0 (chunks by timeline position: a resumed session's repeats overlap, its seq jumps
 * after a take-over), how many chunks, and whether its {@code SessionEnded} is there. Ground truth for a session that
 * did not end with a close after stop: only this audio can be transcribed.
 */
public record DurablePosition(long endSample, int chunks, boolean ended) {
}
