package dev.rstt.batch.internal;

import dev.rstt.batch.deepgram.ChunkRequest;
import dev.rstt.batch.deepgram.Transcriber;
import dev.rstt.batch.deepgram.Transcript;
import dev.rstt.batch.session.Effect;
import dev.rstt.batch.session.Input;
import dev.rstt.common.concurrent.AsyncFailures;
import dev.rstt.common.concurrent.Inbox;
import dev.rstt.common.deepgram.DeepgramFailure;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batch chunks on their way to Deepgram pre-recorded: queued oldest first ({@link Backlog}), started while fewer
 * than {@code concurrency} are in flight (one while the {@code deepgram-prerecorded} breaker is not closed, so only
 * the oldest chunk probes a recovering Deepgram), sent through the {@code ResilientTranscriber} (retry and
 * breaker), and their outcome handed back to the session. One log line when calls start failing and one when they
 * pass again, not one per chunk. Engine thread only (HTTP completions are posted to the inbox).
 */
final class Transcriptions {

  private static final Logger log = LoggerFactory.getLogger(Transcriptions.class);

  private record Job(SessionSlot slot, Effect.Transcribe request) {
  }

  private final Transcriber transcriber;
  private final CircuitBreaker breaker;
  private final int concurrency;
  private final Inbox inbox;
  private final BiConsumer<SessionSlot, Input> sessions;
  private final LongSupplier nanos;
  private final BatchMetrics metrics;
  private final Backlog<Job> backlog = new Backlog<>();
  private int inFlight;
  private boolean failing;

  Transcriptions(Transcriber transcriber, CircuitBreaker breaker, int concurrency, Inbox inbox,
      BiConsumer<SessionSlot, Input> sessions, LongSupplier nanos, BatchMetrics metrics) {
    this.transcriber = transcriber;
    this.breaker = breaker;
    this.concurrency = concurrency;
    this.inbox = inbox;
    this.sessions = sessions;
    this.nanos = nanos;
    this.metrics = metrics;
    breaker.getEventPublisher().onStateTransition(e -> {
      CircuitBreaker.State from = e.getStateTransition().getFromState();
      CircuitBreaker.State to = e.getStateTransition().getToState();
      if (from == CircuitBreaker.State.CLOSED && to == CircuitBreaker.State.OPEN) {
        log.warn("Circuit breaker {} opened: pre-recorded calls fail; the backlog waits, oldest first",
            e.getCircuitBreakerName());
      } else if (to == CircuitBreaker.State.CLOSED) {
        log.info("Circuit breaker {} closed: pre-recorded calls pass again", e.getCircuitBreakerName());
      } else {
        log.debug("Circuit breaker {}: {}", e.getCircuitBreakerName(), e.getStateTransition()); // probes
      }
    });
  }

  /** A chunk to transcribe (again, after a failed round, when {@code failedRounds > 0}). */
  void submit(SessionSlot slot, Effect.Transcribe request) {
    if (request.failedRounds() > 0) {
      metrics.chunk("retried");
    }
    backlog.add(new Job(slot, request), request.oldestAudioAt(), request.chunkSeq(), request.notBefore());
  }

  /** Starts the chunks that are due, oldest first, up to the concurrency the breaker allows. */
  void dispatch() {
    int limit = breaker.getState() == CircuitBreaker.State.CLOSED ? concurrency : 1;
    for (Job job : backlog.takeDue(nanos.getAsLong(), inFlight, limit)) {
      start(job);
    }
  }

  /** Forgets the chunks of a session that finished or was dropped (calls in flight are ignored when they end). */
  void forget(SessionSlot slot) {
    backlog.removeIf(job -> job.slot == slot);
  }

  int inFlight() {
    return inFlight;
  }

  private void start(Job job) {
    Effect.Transcribe t = job.request;
    byte[] pcm = new byte[t.pcm().remaining()];
    t.pcm().duplicate().get(pcm);
    inFlight++;
    long t0 = nanos.getAsLong();
    try {
      transcriber.transcribe(new ChunkRequest(pcm, t.sampleRate(), t.channels(), t.language(), t.keyterms(),
          job.slot.channel))
          .whenComplete((transcript, error) -> inbox.post(() -> done(job, transcript, error, t0)));
    } catch (RuntimeException e) {
      inbox.post(() -> done(job, null, e, t0));
    }
  }

  private void done(Job job, Transcript transcript, Throwable error, long t0) {
    inFlight--;
    String stt = job.request.sttSession();
    if (error == null) {
      metrics.latency(Duration.ofNanos(nanos.getAsLong() - t0));
      if (failing) {
        failing = false;
        log.info("Pre-recorded calls pass again");
      }
      sessions.accept(job.slot, new Input.Transcribed(stt, transcript));
      return;
    }
    Throwable cause = AsyncFailures.unwrap(error);
    DeepgramFailure failure = DeepgramFailure.of(cause);
    if (failure == DeepgramFailure.TRANSIENT && !failing) {
      failing = true; // one line per outage, not per chunk
      log.warn("Pre-recorded calls fail ({}: {}); chunks wait in the backlog, oldest first",
          cause.getClass().getSimpleName(), cause.getMessage());
    }
    sessions.accept(job.slot, new Input.TranscriptionFailed(stt, failure, String.valueOf(cause.getMessage())));
  }
}
