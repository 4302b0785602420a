package dev.rstt.stt.internal;

import dev.rstt.stt.session.Effect;
import dev.rstt.stt.session.Input;
import dev.rstt.stt.session.Outbound;
import java.util.List;

/** Does what a session's effects say, in order: sockets, publishes, the breaker, the commit rule. */
final class EffectExecutor {

  private final LiveSockets sockets;
  private final Publisher publisher;
  private final BreakerGate breaker;
  private final EngineMetrics metrics;
  private final SttHops hops;

  EffectExecutor(LiveSockets sockets, Publisher publisher, BreakerGate breaker, EngineMetrics metrics,
      SttHops hops) {
    this.hops = hops;
    this.sockets = sockets;
    this.publisher = publisher;
    this.breaker = breaker;
    this.metrics = metrics;
  }

  /**
   * Performs {@code effects} of {@code slot}'s session; returns the breaker's answer when the session asked for a
   * permission (always its last effect), to be applied next, else null.
   */
  Input execute(SessionSlot slot, List<Effect> effects) {
    Input answer = null;
    for (Effect effect : effects) {
      if (effect instanceof Effect.AcquirePermission) {
        answer = breaker.tryAcquire() ? new Input.Permitted() : new Input.Denied();
      } else if (effect instanceof Effect.SendAudio send) {
        sockets.send(send.sttSession(), send.chunk().getPcm().asReadOnlyBuffer());
        hops.sent(send.chunk());
        metrics.framesSent.increment();
      } else if (effect instanceof Effect.Publish publish) {
        publisher.publish(slot, publish.key(), publish.value());
        if (publish.value() instanceof Outbound.Reroute reroute) {
          hops.rerouted(reroute.chunk());
          metrics.reroutes.increment();
        }
      } else if (effect instanceof Effect.RecordDone done) {
        ((PartitionProgress.Tracked) done.ref()).markDone();
      } else if (effect instanceof Effect.OpenSocket open) {
        if (open.recovery()) {
          metrics.reconnects.increment();
        }
        sockets.open(slot, open);
      } else if (effect instanceof Effect.KeepAlive k) {
        sockets.keepAlive(k.sttSession());
      } else if (effect instanceof Effect.Finalize f) {
        sockets.finalizeStream(f.sttSession());
      } else if (effect instanceof Effect.CloseStream c) {
        sockets.closeStream(c.sttSession());
      } else if (effect instanceof Effect.AbortSocket a) {
        sockets.abort(a.sttSession());
      } else if (effect instanceof Effect.AttemptProved p) {
        sockets.proved(p.sttSession());
      } else if (effect instanceof Effect.RepeatDropped r) {
        metrics.repeatsDropped.increment();
        metrics.repeatSamplesDropped.increment(r.samples());
      } else if (effect instanceof Effect.SocketDied d) {
        metrics.socketDeaths.increment();
        sockets.died(d.sttSession(), d.reason() + ": " + d.detail());
      }
      // Effect.Finished: the session table forgets the session after this batch
    }
    return answer;
  }
}
