package dev.rstt.tools;

import dev.rstt.common.auth.DevTokens;
import dev.rstt.testsupport.ToneScript;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import tools.jackson.databind.json.JsonMapper;

/**
 * Load generator: N app sessions through the gateway and M direct Deepgram clients against the emulator, in
 * one run, each streaming tone-word audio at real-time pace. For every spoken word it measures the latency
 * from sending the word's last sample to receiving the first transcript that contains it.
 *
 * <pre>
 * bench --sessions N [--direct M] [--seconds S] [--gateway http://127.0.0.1:8080] [--emulator http://127.0.0.1:8090]
 *       [--token T] [--kafka 127.0.0.1:9092] [--kafka-config client.properties] [--pids name=pid,...] [--failover] [--heap] [--out results.json]
 *       [--metrics name=http://.../actuator/prometheus,...] [--idle-seconds 60]
 * bench --idle-only --pids name=pid,... [--idle-seconds 60] [--out idle.json]
 * </pre>
 *
 * <p>{@code --metrics} names each service's Prometheus endpoint: the per-hop timers ({@code rstt_hop_*}) are read
 * before the sessions stream and after the last one closed, and the report's {@code hops} gives p50/p99 of that
 * window ({@link HopHistograms}). After the run the bench samples every process's CPU for {@code --idle-seconds}
 * with no session ({@code idle}, {@link IdleCpu}); {@code --idle-only} does only that.
 *
 * <p>{@code --heap} measures live heap per session: it takes a class histogram of every component (through
 * {@code jcmd <pid> GC.class_histogram}, which runs a full collection first) before the sessions connect and
 * again halfway through the run, and divides the growth of the live heap by the number of sessions. The forced collections pause the components, so a heap run's latencies
 * are not comparable with a plain run's.
 */
public final class BenchCli {

  static final int RATE = 16000;
  static final int FRAME_MS = 100;

  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  /** The run's schedule (fault, heap reading), apart from the sockets' event loop. */
  private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "bench-schedule");
    t.setDaemon(true);
    return t;
  });
  private final BenchSockets sockets = new BenchSockets();
  /** Distinct scripts (start word, voice): clients with the same one share its encoded frames. */
  static final int SCRIPTS = 16;

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--failover") || args[i].equals("--heap") || args[i].equals("--idle-only")) {
        opts.put(args[i].substring(2), "true");
      } else if (args[i].startsWith("--") && i + 1 < args.length) {
        opts.put(args[i].substring(2), args[++i]);
      } else {
        System.err.println("unexpected argument " + args[i]);
        System.exit(2);
      }
    }
    System.exit(new BenchCli().run(opts));
  }

  int run(Map<String, String> opts) throws Exception {
    int idleSeconds = Integer.parseInt(opts.getOrDefault("idle-seconds", "60"));
    if (opts.containsKey("idle-only")) {
      Map<String, Object> idle = IdleCpu.measure(opts.getOrDefault("pids", ""), idleSeconds);
      BenchReport.printIdle(idle);
      BenchReport.write(Map.of("idle", idle), opts.get("out"));
      return 0;
    }
    Map<String, String> metrics = BenchReport.namedList(opts.getOrDefault("metrics", ""));
    int sessions = Integer.parseInt(opts.getOrDefault("sessions", "50"));
    int direct = Integer.parseInt(opts.getOrDefault("direct", Integer.toString(Math.max(10, sessions / 4))));
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "30"));
    String gateway = opts.getOrDefault("gateway", "http://127.0.0.1:8080");
    String emulator = opts.getOrDefault("emulator", "http://127.0.0.1:8090");
    String token = opts.getOrDefault("token", System.getenv("RSTT_TOKEN"));
    String secret = opts.get("secret");
    boolean failover = opts.containsKey("failover");
    if (token == null && secret == null) {
      throw new IllegalArgumentException("--secret (to mint a token per session) or --token/RSTT_TOKEN is required");
    }
    int words = Math.max(4, seconds * 1000 / 680);
    List<BenchFrames> scripts = new ArrayList<>();
    for (int v = 0; v < Math.min(SCRIPTS, sessions + direct); v++) {
      scripts.add(new BenchFrames(ToneScript.numbered(RATE, (v * 37) % 1000, words, v % 4, 400), FRAME_MS, v));
    }
    List<BenchClient> clients = new ArrayList<>();
    for (int i = 0; i < sessions + direct; i++) {
      boolean isDirect = i >= sessions;
      clients.add(new BenchClient(isDirect, scripts.get(i % scripts.size())));
    }
    // the generator's own share of the machine is reported beside the components it loads
    String measured = (opts.containsKey("pids") ? opts.get("pids") + "," : "") + "generator="
        + ProcessHandle.current().pid();
    Map<String, ProcessReadings.CpuSample> cpuBefore = ProcessReadings.cpu(measured);
    boolean heap = opts.containsKey("heap");
    Map<String, Long> heapBefore = heap ? ProcessReadings.liveHeapByProcess(opts.get("pids")) : Map.of();
    System.out.printf("bench: %d pipeline sessions + %d direct, %d words (%.0f s) each%n", sessions, direct, words,
        clients.get(0).script.durationSeconds());
    List<CompletableFuture<Void>> connects = new ArrayList<>();
    for (BenchClient c : clients) {
      if (c.direct) {
        String ws = emulator.replaceFirst("^http", "ws") + "/v1/listen?model=nova-3&language=en&encoding=linear16"
            + "&sample_rate=" + RATE + "&channels=1&interim_results=false&punctuate=true&diarize=true&endpointing=100";
        connects.add(c.connect(sockets, ws, Map.of("Authorization", "Token bench")));
      } else {
        String ws = gateway.replaceFirst("^http", "ws") + "/v4/listen?language=en&sample_rate=" + RATE
            + "&codec=pcm16&channels=1";
        // Each app session is its own user, as in production (the gateway caps sessions per user).
        String bearer = secret != null ? devToken(secret, "bench-" + clients.indexOf(c)) : token;
        connects.add(c.connect(sockets, ws, Map.of("Authorization", "Bearer " + bearer)));
      }
    }
    int connected = 0;
    for (CompletableFuture<Void> f : connects) {
      try {
        f.get(60, TimeUnit.SECONDS);
        connected++;
      } catch (Exception e) {
        // counted below
      }
    }
    System.out.printf("bench: %d of %d sockets open%n", connected, clients.size());
    HopHistograms.Snapshot hopsBefore = HopHistograms.scrape(http, metrics);
    String loadBefore = IdleCpu.loadAverage();
    long startNanos = System.nanoTime();
    long wallStart = System.currentTimeMillis();
    List<CompletableFuture<Void>> streams = new ArrayList<>();
    for (int i = 0; i < clients.size(); i++) {
      BenchClient c = clients.get(i);
      if (c.channel != null) {
        streams.add(c.stream(sockets, (long) i * FRAME_MS / Math.max(1, clients.size() / 10 + 1) % 1000));
      }
    }
    long[] faultWindow = new long[2];
    if (failover) {
      // the bench's own schedule: fault after a quarter of the run, cleared after another quarter, so that the
      // second half leaves time for the breaker's open wait (30 s by default) and the recovery spread
      long quarter = Math.max(5, seconds / 4);
      pacer.schedule(() -> {
        faultWindow[0] = System.nanoTime();
        put(emulator, "{\"live\":{\"close_after_ms\":0,\"close_code\":1011,\"handshake_status\":503}}");
      }, quarter, TimeUnit.SECONDS).get();
      pacer.schedule(() -> {
        faultWindow[1] = System.nanoTime();
        delete(emulator);
      }, quarter, TimeUnit.SECONDS).get();
    }
    Map<String, Long> heapDuring = heap
        ? pacer.schedule(() -> ProcessReadings.liveHeapByProcess(opts.get("pids")), seconds / 2, TimeUnit.SECONDS).get()
        : Map.of();
    for (CompletableFuture<Void> s : streams) {
      s.get(seconds + 120L, TimeUnit.SECONDS);
    }
    for (BenchClient c : clients) {
      if (c.channel != null) {
        try {
          c.closed.get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
          // a session that never closed is reported as not held
        }
      }
    }
    double elapsed = (System.nanoTime() - startNanos) / 1e9;
    Map<String, ProcessReadings.CpuSample> cpuAfter = ProcessReadings.cpu(measured);
    HopHistograms.Snapshot hopsAfter = HopHistograms.scrape(http, metrics);
    String loadAfter = IdleCpu.loadAverage();
    Map<String, Object> idle = idleSeconds > 0 ? IdleCpu.measure(measured, idleSeconds) : null;

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("sessions", sessions);
    report.put("direct_sessions", direct);
    report.put("seconds_per_session", clients.get(0).script.durationSeconds());
    report.put("started_at", java.time.Instant.ofEpochMilli(wallStart).toString());
    report.put("loadavg_before", loadBefore);
    report.put("loadavg_after", loadAfter);
    Map<String, Object> pipeline = BenchStats.summarize(clients.stream().filter(c -> !c.direct).toList());
    Map<String, Object> directSummary = BenchStats.summarize(clients.stream().filter(c -> c.direct).toList());
    report.put("pipeline", pipeline);
    report.put("direct", directSummary);
    report.put("timeline", BenchStats.timeline(clients, startNanos));
    if (directSummary.get("p99_ms") instanceof Double d && pipeline.get("p99_ms") instanceof Double p && d > 0) {
      report.put("p99_ratio", p / d);
      report.put("p99_added_ms", p - d);
      report.put("p50_added_ms", (Double) pipeline.get("p50_ms") - (Double) directSummary.get("p50_ms"));
    }
    long frames = clients.stream().filter(c -> !c.direct).mapToLong(BenchClient::frameCount).sum();
    report.put("gateway_frames_per_s", frames / elapsed);
    Map<String, Object> components = ProcessReadings.components(cpuBefore, cpuAfter);
    report.put("components", components);
    if (components.get("generator") instanceof Map<?, ?> g && g.get("cpu_cores") instanceof Double cores) {
      // the generator's own cost: every client (pipeline and direct) streams the same audio
      report.put("generator_cores_per_100_sessions", cores * 100 / clients.size());
    }
    report.put("hops", HopHistograms.window(hopsBefore, hopsAfter));
    if (idle != null) {
      report.put("idle", idle);
    }
    if (opts.containsKey("kafka") || opts.containsKey("kafka-config")) {
      report.put("consumer_lag", lag(KafkaClientConfig.fromOptions(opts)));
    }
    if (heap) {
      Map<String, Object> perSession = new LinkedHashMap<>();
      heapDuring.forEach((name, kib) -> {
        if (heapBefore.containsKey(name)) {
          perSession.put(name, Map.of("live_heap_before_kib", heapBefore.get(name), "live_heap_during_kib", kib,
              "kib_per_session", (kib - heapBefore.get(name)) / (double) Math.max(1, sessions)));
        }
      });
      report.put("heap", perSession);
    }
    if (failover) {
      report.put("failover", BenchStats.failover(clients.stream().filter(c -> !c.direct).toList(), faultWindow[0],
          faultWindow[1]));
    }
    BenchReport.write(report, opts.get("out"));
    BenchReport.printSummary(report);
    pacer.shutdownNow();
    sockets.close();
    return 0;
  }

  private void put(String emulator, String body) {
    send(HttpRequest.newBuilder(URI.create(emulator + "/__emulator/faults")).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  private void send(HttpRequest request) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) {
        throw new IllegalStateException(request.uri() + " answered " + r.statusCode());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void delete(String emulator) {
    send(HttpRequest.newBuilder(URI.create(emulator + "/__emulator/faults")).timeout(Duration.ofSeconds(10))
        .DELETE().build());
  }

  static String devToken(String secret, String uid) {
    return DevTokens.mint(uid, secret, Duration.ofHours(1), java.time.Clock.systemUTC());
  }


  /** Every consumer group's lag (records behind the end, summed over its partitions); an {@code error: ...} key when
   * Kafka cannot be asked. */
  public static Map<String, Long> lag(Properties props) {
    Map<String, Long> lags = new LinkedHashMap<>();
    try (Admin admin = Admin.create(props)) {
      for (ConsumerGroupListing group : admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS)) {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.groupId())
            .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
            admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
        AtomicLong total = new AtomicLong();
        committed.forEach((tp, offset) -> {
          if (offset != null && ends.containsKey(tp)) {
            total.addAndGet(Math.max(0, ends.get(tp).offset() - offset.offset()));
          }
        });
        lags.put(group.groupId(), total.get());
      }
    } catch (Exception e) {
      lags.put("error: " + e.getMessage(), -1L);
    }
    return lags;
  }
}
