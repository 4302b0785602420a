package dev.rstt.stt.internal;

import dev.rstt.common.logging.SessionMdc;
import dev.rstt.stt.session.IdSource;
import dev.rstt.stt.session.Input;
import dev.rstt.stt.session.Jitter;
import dev.rstt.stt.session.SessionCore;
import dev.rstt.stt.session.SessionSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions this worker holds, and the one way an input reaches one: {@link #dispatch} puts the session in
 * the logging context, applies the input to its core at the current time, performs the effects (answering a
 * breaker question at once) and accounts the audio it holds. Engine thread only.
 */
final class Sessions {

  private static final Logger log = LoggerFactory.getLogger(Sessions.class);

  private final SessionSettings settings;
  private final IdSource ids;
  private final Jitter jitter;
  private final LongSupplier nanos;
  private final EngineMetrics metrics;
  /** A stream: a session's channel (docs/CONTRACT.md section 11). */
  private record StreamKey(String sessionId, int channel) {
  }

  private final Map<StreamKey, SessionSlot> byId = new HashMap<>();
  private EffectExecutor executor;
  private LiveSockets sockets;
  private Publisher publisher;
  private long bufferedBytes;
  private boolean consumptionPaused;

  Sessions(SessionSettings settings, IdSource ids, Jitter jitter, LongSupplier nanos, EngineMetrics metrics) {
    this.settings = settings;
    this.ids = ids;
    this.jitter = jitter;
    this.nanos = nanos;
    this.metrics = metrics;
  }

  void wire(EffectExecutor effectExecutor, LiveSockets liveSockets, Publisher sessionPublisher) {
    this.executor = effectExecutor;
    this.sockets = liveSockets;
    this.publisher = sessionPublisher;
  }

  /**
   * A record of {@code sessionId}'s {@code channel} read from {@code partition}: to that stream, created if this
   * worker has none.
   */
  void onRecord(TopicPartition partition, String sessionId, int channel, Input input) {
    StreamKey key = new StreamKey(sessionId, channel);
    SessionSlot slot = byId.get(key);
    if (slot == null) {
      slot = new SessionSlot(sessionId, channel, partition, new SessionCore(settings, ids, jitter, nanos.getAsLong()));
      byId.put(key, slot);
      if (consumptionPaused) {
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
    long before = core.retainedBytes();
    try (SessionMdc mdc = SessionMdc.of(slot.id, core.sttSession())) {
      Input next = input;
      while (next != null) {
        next = executor.execute(slot, core.on(next, nanos.getAsLong()));
      }
    } catch (RuntimeException e) {
      try (SessionMdc mdc = SessionMdc.of(slot.id)) {
        log.error("Session input {} failed", input.getClass().getSimpleName(), e);
      }
    } finally {
      bufferedBytes += core.retainedBytes() - before;
      if (core.finished()) {
        forget(slot);
        try (SessionMdc mdc = SessionMdc.of(slot.id)) {
          log.info("Session finished");
        }
      }
    }
  }

  /** True when no session is held. */
  boolean isEmpty() {
    return byId.isEmpty();
  }

  /** Timers of every session. */
  void tick() {
    int degraded = 0;
    for (SessionSlot slot : new ArrayList<>(byId.values())) {
      dispatch(slot, new Input.Tick());
      if (!slot.gone && slot.core.mode().degraded()) {
        degraded++;
      }
    }
    metrics.degradedSessions.set(degraded);
    metrics.activeSessions.set(byId.size());
  }

  /** The worker stopped (or resumed) reading audio: every session hears it. */
  void consumptionPaused(boolean paused) {
    consumptionPaused = paused;
    Input input = paused ? new Input.ConsumptionPaused() : new Input.ConsumptionResumed();
    for (SessionSlot slot : new ArrayList<>(byId.values())) {
      dispatch(slot, input);
    }
  }

  void onBreakerTransition(CircuitBreaker.StateTransition transition) {
    CircuitBreaker.State to = transition.getToState();
    Input input;
    if (to == CircuitBreaker.State.OPEN || to == CircuitBreaker.State.FORCED_OPEN) {
      input = new Input.BreakerOpened();
    } else if (to == CircuitBreaker.State.CLOSED || to == CircuitBreaker.State.HALF_OPEN) {
      input = new Input.BreakerAllowsCalls();
    } else {
      return;
    }
    for (SessionSlot slot : new ArrayList<>(byId.values())) {
      dispatch(slot, input);
    }
  }

  /** Forgets the sessions of partitions this worker no longer owns; returns how many. */
  int drop(Collection<TopicPartition> partitions) {
    int dropped = 0;
    Iterator<SessionSlot> it = byId.values().iterator();
    while (it.hasNext()) {
      SessionSlot slot = it.next();
      if (partitions.contains(slot.partition)) {
        it.remove();
        release(slot);
        publisher.forget(slot);
        dropped++;
      }
    }
    return dropped;
  }

  /** Forgets every session (shutdown). */
  void dropAll() {
    List<SessionSlot> all = new ArrayList<>(byId.values());
    byId.clear();
    all.forEach(this::release);
    all.forEach(publisher::forget);
  }

  long bufferedBytes() {
    return bufferedBytes;
  }

  /** A finished session: what it published still goes out (its outboxes drain), but it hears nothing more. */
  private void forget(SessionSlot slot) {
    byId.remove(new StreamKey(slot.id, slot.channel), slot);
    release(slot);
  }

  private void release(SessionSlot slot) {
    if (!slot.gone) {
      slot.gone = true;
      sockets.abortAll(slot);
      bufferedBytes -= slot.core.retainedBytes();
    }
  }
}
