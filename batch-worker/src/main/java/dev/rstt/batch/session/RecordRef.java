package dev.rstt.batch.session;

/**
 * A record of {@code audio.degraded} as its partition knows it, opaque to the core: the core hands it back in
 * {@link Effect.RecordDone} once the record is done by the commit rule (docs/CONTRACT.md section 5).
 */
public interface RecordRef {
}
