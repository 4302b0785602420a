package dev.rstt.e2e;

import java.util.List;

/** Test-friendly timings for the services (production defaults are longer). */
final class Settings {

  private Settings() {
  }

  /** Breaker wait 2 s instead of 30 s, so recovery happens within a test. */
  static final List<String> STT_WORKER = List.of(
      "--rstt.stt.breaker.wait-duration-in-open-state=2s",
      "--rstt.stt.recovery-spread=500ms");

  /** Chunks of 2-8 s instead of 5-30 s, so degraded words arrive within a test. */
  static final List<String> BATCH_WORKER = List.of(
      "--rstt.batch.min-chunk=2s",
      "--rstt.batch.max-chunk=8s",
      "--rstt.batch.idle-flush=3s");

  /** Gauge of open live Deepgram sockets on an STT worker (Prometheus name). */
  static final String LIVE_SOCKETS_METRIC = "rstt_stt_live_sockets";

  /** Gauge of audio buffered by a batch worker (Prometheus name). */
  static final String BUFFERED_AUDIO_METRIC = "rstt_batch_buffered_audio_seconds";
}
