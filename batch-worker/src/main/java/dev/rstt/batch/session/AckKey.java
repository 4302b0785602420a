package dev.rstt.batch.session;

/**
 * What a publish was for. Every {@link Effect.Publish} carries one; the shell hands it back in {@link Input.Acked}
 * once Kafka acknowledged the record, so what an acknowledgement lets happen is one case of {@link SessionCore}.
 */
public sealed interface AckKey {

  /** The {@code SegmentsProduced} (or {@code chunk_lost}) of batch chunk {@code sttSession}. */
  record ChunkResult(String sttSession) implements AckKey {
  }

  /** {@code stt_recovered}, the session's status number {@code n}. */
  record Recovered(long n) implements AckKey {
  }

  /** {@code batch_finished}, the session's status number {@code n}. */
  record BatchFinished(long n) implements AckKey {
  }
}
