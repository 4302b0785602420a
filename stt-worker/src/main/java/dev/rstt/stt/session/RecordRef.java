package dev.rstt.stt.session;

/**
 * An input record's place in its partition, opaque to the core: the core hands it back in
 * {@link Effect.RecordDone} once the record is done by the commit rule (docs/CONTRACT.md section 3).
 */
public interface RecordRef {
}
