package dev.rstt.gateway.session;

import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;

/** Where a session's records go (Kafka in production); acknowledgements complete the returned futures. */
public interface AudioSink {

  /**
   * Hands one record over; {@code bytes} count against {@link #global()} until acknowledged. Records of one
   * session are acknowledged in the order they were handed over. Completes with where Kafka stored it.
   */
  CompletableFuture<Placement> publish(String sessionId, SpecificRecord value, long bytes);

  /** The instance-wide budget of unacknowledged bytes. */
  UnackedBudget global();
}
