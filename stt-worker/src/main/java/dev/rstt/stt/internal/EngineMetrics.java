package dev.rstt.stt.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** The worker's own meters ({@code rstt_stt_*}); see the README. */
final class EngineMetrics {

  final AtomicInteger liveSockets = new AtomicInteger();
  final AtomicInteger degradedSessions = new AtomicInteger();
  final AtomicInteger activeSessions = new AtomicInteger();
  final AtomicInteger failingOutboxes = new AtomicInteger();
  final Counter framesSent;
  final Counter reroutes;
  final Counter reconnects;
  final Counter socketDeaths;
  final Counter publishFailures;
  final Counter repeatsDropped;
  final Counter repeatSamplesDropped;

  EngineMetrics(MeterRegistry meters) {
    framesSent = Counter.builder("rstt.stt.frames.sent").description("Audio chunks sent to live sockets")
        .register(meters);
    reroutes = Counter.builder("rstt.stt.reroutes").description("Audio chunks re-published to audio.degraded")
        .register(meters);
    reconnects = Counter.builder("rstt.stt.reconnects")
        .description("Live connection attempts to bring a degraded session back").register(meters);
    socketDeaths = Counter.builder("rstt.stt.socket.deaths")
        .description("Live sockets that closed abnormally, failed or stalled").register(meters);
    publishFailures = Counter.builder("rstt.stt.publish.failures")
        .description("Sends to Kafka that failed (each is sent again, in order, until written)").register(meters);
    repeatsDropped = Counter.builder("rstt.stt.repeats.dropped")
        .description("Audio chunks that repeated audio of the session's timeline (a resumed app socket): dropped or "
            + "trimmed, never transcribed twice").register(meters);
    repeatSamplesDropped = Counter.builder("rstt.stt.repeats.dropped.samples")
        .description("Sample frames of repeated audio dropped").register(meters);
    Gauge.builder("rstt.stt.publish.failing", failingOutboxes, AtomicInteger::get)
        .description("Sessions (and the dead letters) whose publishes are failing and being retried").register(meters);
    Gauge.builder("rstt.stt.live.sockets", liveSockets, AtomicInteger::get).description("Open live sockets")
        .register(meters);
    Gauge.builder("rstt.stt.sessions.degraded", degradedSessions, AtomicInteger::get)
        .description("Sessions in degraded mode").register(meters);
    Gauge.builder("rstt.stt.sessions.active", activeSessions, AtomicInteger::get)
        .description("Sessions held by this worker").register(meters);
  }
}
