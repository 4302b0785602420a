package dev.rstt.batch.internal;

import dev.rstt.batch.session.BatchSettings;
import dev.rstt.batch.session.IdSource;
import dev.rstt.batch.session.Input;
import dev.rstt.batch.session.Jitter;
import dev.rstt.batch.session.SessionCore;
import dev.rstt.common.logging.SessionMdc;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions this worker holds, and the one way an input reaches one: {@link #dispatch} puts the session (and the
 * batch chunk the input is about) in the logging context, applies the input to its core at the current time,
 * performs the effects and accounts the audio it holds. Engine thread only.
 */
final class Sessions {

  private static final Logger log = LoggerFactory.getLogger(Sessions.class);

  private final BatchSettings settings;
  private final IdSource ids;
  private final Jitter jitter;
  private final LongSupplier nanos;
  private final BatchMetrics metrics;
  /** A stream: a session's channel (docs/CONTRACT.md section 11). */
  private record StreamKey(String sessionId, int channel) {
  }

  private final Map<StreamKey, SessionSlot> byId = new HashMap<>();
  private EffectExecutor executor;
  private Consumer<SessionSlot> forgetHook = slot -> { };
  private long heldBytes;
  private boolean paused;

  Sessions(BatchSettings settings, IdSource ids, Jitter jitter, LongSupplier nanos, BatchMetrics metrics) {
    this.settings = settings;
    this.ids = ids;
    this.jitter = jitter;
    this.nanos = nanos;
    this.metrics = metrics;
  }

  /** {@code forget}: what else must let go of a session that finished or was dropped (its queued work). */
  void wire(EffectExecutor effectExecutor, Consumer<SessionSlot> forget) {
    this.executor = effectExecutor;
    this.forgetHook = forget;
  }

  /**
   * A record of {@code sessionId}'s {@code channel} read from {@code partition}: to that stream, created if this
   * worker has none.
   */
  void onRecord(TopicPartition partition, String sessionId, int channel, Input input) {
    StreamKey key = new StreamKey(sessionId, channel);
    SessionSlot slot = byId.get(key);
    if (slot == null || !slot.partition.equals(partition)) {
      if (slot != null) {
        forget(slot); // a session's records moved partition: the old state is of no use
      }
      slot = new SessionSlot(sessionId, channel, partition,
          new SessionCore(settings, ids, jitter, nanos.getAsLong()));
      byId.put(key, slot);
      if (paused) {
        dispatch(slot, new Input.ConsumptionPaused());
      }
    }
    dispatch(slot, input);
  }

  /** Applies one input to a session and performs its effects. */
  void dispatch(SessionSlot slot, Input input) {
    if (slot.gone) {
      return; // finished or dropped: a late callback
    }
    SessionCore core = slot.core;
    long before = core.heldBytes();
    try (SessionMdc mdc = SessionMdc.of(slot.id, Input.sttSessionOf(input))) {
      executor.execute(slot, core.on(input, nanos.getAsLong()));
    } catch (RuntimeException e) {
      try (SessionMdc mdc = SessionMdc.of(slot.id)) {
        log.error("Session input {} failed", input.getClass().getSimpleName(), e);
      }
    } finally {
      heldBytes += core.heldBytes() - before;
      metrics.bufferedBytes.set(heldBytes);
      if (core.finished()) {
        forget(slot);
      }
    }
  }

  /** Timers of every session; updates the held-audio gauge. */
  void tick() {
    double seconds = 0;
    for (SessionSlot slot : new ArrayList<>(byId.values())) {
      dispatch(slot, new Input.Tick());
      if (!slot.gone) {
        seconds += slot.core.heldSeconds();
      }
    }
    metrics.bufferedSeconds = seconds;
  }

  /** The worker stopped (or resumed) reading: every session hears it. */
  void consumptionPaused(boolean nowPaused) {
    paused = nowPaused;
    Input input = nowPaused ? new Input.ConsumptionPaused() : new Input.ConsumptionResumed();
    for (SessionSlot slot : new ArrayList<>(byId.values())) {
      dispatch(slot, input);
    }
  }

  /**
   * At the memory cap with no chunk outstanding anywhere, every buffered session waits for audio that cannot
   * come: the one holding the oldest buffered audio is cut. Returns whether one was.
   */
  boolean forceCutOldest() {
    SessionSlot oldest = null;
    for (SessionSlot slot : byId.values()) {
      if (slot.core.hasOutstandingChunks()) {
        return false;
      }
      if (slot.core.oldestBufferedAt() != Long.MAX_VALUE
          && (oldest == null || slot.core.oldestBufferedAt() < oldest.core.oldestBufferedAt())) {
        oldest = slot;
      }
    }
    if (oldest == null) {
      return false;
    }
    dispatch(oldest, new Input.ForceCut());
    return true;
  }

  /** Drops the sessions of partitions this worker no longer owns; returns how many. */
  int drop(Collection<TopicPartition> partitions) {
    int dropped = 0;
    for (SessionSlot slot : new ArrayList<>(byId.values())) {
      if (partitions.contains(slot.partition)) {
        dispatch(slot, new Input.Revoked());
        if (!slot.gone) {
          forget(slot); // the core failed to finish: forget it anyway
        }
        dropped++;
      }
    }
    return dropped;
  }

  /** Forgets every session (shutdown). */
  void dropAll() {
    List<SessionSlot> all = new ArrayList<>(byId.values());
    all.forEach(this::forget);
  }

  long heldBytes() {
    return heldBytes;
  }

  int size() {
    return byId.size();
  }

  private void forget(SessionSlot slot) {
    if (!slot.gone) {
      slot.gone = true;
      byId.remove(new StreamKey(slot.id, slot.channel), slot);
      heldBytes -= slot.core.heldBytes();
      metrics.bufferedBytes.set(heldBytes);
      forgetHook.accept(slot);
    }
  }
}
