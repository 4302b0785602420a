package dev.rstt.batch.internal;

import dev.rstt.batch.session.Effect;
import java.util.List;

/** Does what a session's effects say, in order: transcriptions, publishes, the commit rule, metrics. */
final class EffectExecutor {

  private final Transcriptions transcriptions;
  private final Publisher publisher;
  private final BatchMetrics metrics;

  EffectExecutor(Transcriptions transcriptions, Publisher publisher, BatchMetrics metrics) {
    this.transcriptions = transcriptions;
    this.publisher = publisher;
    this.metrics = metrics;
  }

  void execute(SessionSlot slot, List<Effect> effects) {
    for (Effect effect : effects) {
      if (effect instanceof Effect.Transcribe t) {
        transcriptions.submit(slot, t);
      } else if (effect instanceof Effect.Publish p) {
        publisher.publish(slot, p.key(), p.value());
      } else if (effect instanceof Effect.RecordDone done) {
        ((PartitionLedger.Tracked) done.ref()).markDone();
      } else if (effect instanceof Effect.ChunkCut cut) {
        metrics.cut(cut.reason());
      } else if (effect instanceof Effect.DuplicateSkipped) {
        metrics.duplicate();
      }
      // Effect.Finished: Sessions forgets the session after this batch
    }
  }
}
