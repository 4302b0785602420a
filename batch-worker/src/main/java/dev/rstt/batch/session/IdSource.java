package dev.rstt.batch.session;

/** Fresh {@code stt_session} ids, one per batch chunk (ULIDs in production, a counter in tests). */
@FunctionalInterface
public interface IdSource {
  String next();
}
