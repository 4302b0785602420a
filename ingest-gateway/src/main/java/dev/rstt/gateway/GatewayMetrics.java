package dev.rstt.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** The gateway's meters, on {@code /actuator/prometheus} with the {@code rstt_gateway_} prefix. */
public final class GatewayMetrics {

  private final MeterRegistry registry;
  private final AtomicInteger openSockets = new AtomicInteger();
  private final Timer publishLatency;
  private final Timer durableLag;
  private final Timer paced;
  private final GatewayHops hops;

  public GatewayMetrics(MeterRegistry registry, Supplier<Number> globalUnackedBytes) {
    this.registry = registry;
    Gauge.builder("rstt.gateway.sockets.open", openSockets, AtomicInteger::get)
        .description("App sockets currently open").register(registry);
    Gauge.builder("rstt.gateway.unacked.bytes", globalUnackedBytes, s -> s.get().doubleValue())
        .description("Audio bytes handed to Kafka and not yet acknowledged").register(registry);
    this.publishLatency = Timer.builder("rstt.gateway.publish.latency")
        .description("Time from handing a record to the producer to Kafka's acknowledgement")
        .publishPercentileHistogram().register(registry);
    for (String outcome : RESUME_OUTCOMES) {
      Counter.builder("rstt.gateway.resumes").description("Socket resumes of a session, by how the session was found")
          .tag("outcome", outcome).register(registry);
    }
    Counter.builder("rstt.gateway.repeats.dropped")
        .description("App messages a resumed socket sent again that the session already had (not decoded again)")
        .register(registry);
    this.durableLag = Timer.builder("rstt.gateway.durable.lag")
        .description("Time from the arrival of audio to Kafka's acknowledgement moving the durable position past it")
        .publishPercentileHistogram().register(registry);
    this.paced = Timer.builder("rstt.gateway.paced")
        .description("Waits before reading a socket whose audio came faster than limits.max-speed allows")
        .register(registry);
    for (String reason : REJECTION_REASONS) {
      Counter.builder("rstt.gateway.rejections").description("Sockets refused or closed by the gateway, by reason")
          .tag("reason", reason).register(registry);
    }
    this.hops = new GatewayHops(registry);
  }

  /** Every reason the gateway refuses or closes a socket for, registered at zero so dashboards see them all. */
  public static final java.util.List<String> REJECTION_REASONS = java.util.List.of("missing_token", "expired_token",
      "invalid_token", "unsupported_codec", "unsupported_sample_rate", "unsupported_channels",
      "unsupported_language", "invalid_keyterm", "codec_unavailable", "too_many_sessions", "connect_rate", "kafka_unavailable",
      "frame_too_large", "idle_timeout", "client_too_slow", "internal_error", "transcript_pending", "audio_not_stored",
      "auth_unavailable", "ip_connect_rate", "server_busy", "max_session_duration", "no_audio_timeout",
      "session_not_resumable", "resume_mismatch", "invalid_resume_from", "resume_unavailable", "session_taken_over");

  /** How a resume went, registered at zero. */
  public static final java.util.List<String> RESUME_OUTCOMES = java.util.List.of("same_gateway", "released",
      "taken_over_unreleased");

  public void socketOpened() {
    openSockets.incrementAndGet();
  }

  public void socketClosed() {
    openSockets.decrementAndGet();
  }

  public int openSockets() {
    return openSockets.get();
  }

  public void frameIn(String codec, int bytes) {
    registry.counter("rstt.gateway.frames.in", "codec", codec).increment();
    registry.counter("rstt.gateway.bytes.in", "codec", codec).increment(bytes);
  }

  public void keepalive() {
    registry.counter("rstt.gateway.keepalives.in").increment();
  }

  public void undecodable(String codec) {
    registry.counter("rstt.gateway.frames.undecodable", "codec", codec).increment();
  }

  public void rejected(String reason) {
    Counter.builder("rstt.gateway.rejections").description("Sockets refused or closed by the gateway, by reason")
        .tag("reason", reason).register(registry).increment();
  }

  public void published(Duration latency) {
    publishLatency.record(latency);
  }

  public void publishFailed() {
    registry.counter("rstt.gateway.publish.failures").increment();
  }

  public void updateDelivered() {
    registry.counter("rstt.gateway.updates", "outcome", "delivered").increment();
  }

  public void updateDropped(String why) {
    registry.counter("rstt.gateway.updates", "outcome", why).increment();
  }

  /** An app message a resumed socket sent again that the session already had. */
  public void repeatDropped() {
    registry.counter("rstt.gateway.repeats.dropped").increment();
  }

  /** The durable position moved past audio that arrived {@code lag} ago. */
  public void durableLag(Duration lag) {
    durableLag.record(lag);
  }

  /** A socket resumed a session ({@code outcome}: one of {@link #RESUME_OUTCOMES}). */
  public void resumed(String outcome) {
    registry.counter("rstt.gateway.resumes", "outcome", outcome).increment();
  }

  /** A socket was not read for {@code wait}: its audio came faster than its pace. */
  public void paced(Duration wait) {
    paced.record(wait);
  }

  public void backpressured() {
    registry.counter("rstt.gateway.backpressure.pauses").increment();
  }

  public double count(String name, String... tags) {
    Counter c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  /** The gateway's two hops of a word's way ({@code rstt.hop.*}). */
  public GatewayHops hops() {
    return hops;
  }
}
