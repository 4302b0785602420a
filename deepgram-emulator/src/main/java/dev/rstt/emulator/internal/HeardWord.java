package dev.rstt.emulator.internal;

/**
 * A word as the emulator reports it: the recognizer's word (or fragment) with its sample span in the stream, and the
 * times and confidence it is reported with (drifted and varied when realism is on).
 */
public record HeardWord(String text, int speaker, long startSample, long endSample, double start, double end,
    double confidence, boolean fragment) {
}
