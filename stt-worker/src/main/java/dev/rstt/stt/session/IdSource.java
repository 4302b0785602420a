package dev.rstt.stt.session;

/** Fresh {@code stt_session} ids (ULIDs in production, a counter in tests). */
@FunctionalInterface
public interface IdSource {
  String next();
}
