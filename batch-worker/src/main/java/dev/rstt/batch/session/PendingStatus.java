package dev.rstt.batch.session;

import java.util.Map;

/**
 * {@code stt_recovered} or {@code batch_finished}, waiting until every batch chunk cut before it (seq below
 * {@code barrier}) is acknowledged, then published; the record that caused it is done when it is acknowledged.
 */
final class PendingStatus {

  final long n;
  final String status;
  final long barrier;
  final HeldRecord record;
  final long atOffsetSamples;
  final Long degradedToSamples;
  final Double degradedDurationS;
  boolean sent;

  PendingStatus(long n, String status, long barrier, HeldRecord record, long atOffsetSamples, Long degradedToSamples,
      Double degradedDurationS) {
    this.n = n;
    this.status = status;
    this.barrier = barrier;
    this.record = record;
    this.atOffsetSamples = atOffsetSamples;
    this.degradedToSamples = degradedToSamples;
    this.degradedDurationS = degradedDurationS;
  }

  AckKey key() {
    return dev.rstt.schemas.Statuses.STT_RECOVERED.equals(status) ? new AckKey.Recovered(n)
        : new AckKey.BatchFinished(n);
  }

  Outbound.Status outbound(int sampleRate) {
    return new Outbound.Status(status, null, Map.of(), atOffsetSamples, degradedToSamples, degradedDurationS,
        sampleRate > 0 ? sampleRate : null);
  }
}
