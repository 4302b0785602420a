package dev.rstt.gateway.session;

import dev.rstt.gateway.audio.AudioFormat;
import dev.rstt.gateway.resume.ResumePoint;

/**
 * A session open, detached or stopping on this gateway, as session.positions and a resume see it (docs/CONTRACT.md
 * section 10): whose it is, whether a socket is attached (else since when not), the take-over epoch it is held at,
 * its durable position, the first app message it still needs, and whether it is stopping (stop received, its
 * SessionEnded not yet stored).
 */
public record HeldSession(String userId, AudioFormat format, boolean attached, Long detachedAtMs, int epoch,
    ResumePoint durable, long expected, boolean stopping) {
}
