package dev.rstt.gateway.session;

import java.util.function.LongSupplier;
import org.springframework.web.reactive.socket.CloseStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * Text frames to one app socket: a bounded queue drained by the socket as fast as the client reads. Emission
 * is serialized here (updates, timers and the inbound loop all write). When a client reads too slowly for
 * the queue, {@link #emit} returns false and the caller closes the socket.
 */
public final class Outbound {

  private final Sinks.Many<String> sink;
  private volatile CloseStatus closeStatus = CloseStatus.NORMAL;
  private boolean finished;
  private final long maxPendingBytes;
  private volatile LongSupplier pendingBytes = () -> 0;

  public Outbound(int capacity) {
    this(capacity, Long.MAX_VALUE);
  }

  /**
   * @param capacity frames queued here at most
   * @param maxPendingBytes bytes the transport may hold unsent (Netty's outbound buffer) before the client
   *     counts as too slow; the transport may pull from the queue regardless of TCP, so both are bounded
   */
  public Outbound(int capacity, long maxPendingBytes) {
    this.sink = Sinks.many().unicast().onBackpressureBuffer(Queues.<String>get(capacity).get());
    this.maxPendingBytes = maxPendingBytes;
  }

  /** How many bytes the transport holds that the client has not taken yet. */
  public void pendingBytes(LongSupplier pending) {
    this.pendingBytes = pending;
  }

  public Flux<String> flux() {
    return sink.asFlux();
  }

  /**
   * Queues a frame; false when the socket is finished or the queue is full. A socket whose transport went away
   * (the peer aborted the connection: the queue's reader cancelled) counts as finished from then on, not as slow.
   */
  public synchronized boolean emit(String text) {
    if (finished || pendingBytes.getAsLong() > maxPendingBytes) {
      return false;
    }
    Sinks.EmitResult result = sink.tryEmitNext(text);
    if (result == Sinks.EmitResult.FAIL_CANCELLED || result == Sinks.EmitResult.FAIL_TERMINATED) {
      finished = true;
    }
    return result.isSuccess();
  }

  /** Queues the last frame(s) (if any) and ends the stream; the socket then closes with {@code status}. */
  public synchronized boolean finish(CloseStatus status, String... last) {
    if (finished) {
      return false;
    }
    for (String text : last) {
      sink.tryEmitNext(text);
    }
    finished = true;
    closeStatus = status;
    sink.tryEmitComplete();
    return true;
  }

  public synchronized boolean finished() {
    return finished;
  }

  public CloseStatus closeStatus() {
    return closeStatus;
  }
}
