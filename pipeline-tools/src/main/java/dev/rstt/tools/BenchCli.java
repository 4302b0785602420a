package dev.rstt.tools;

import dev.rstt.common.auth.DevTokens;
import dev.rstt.schemas.Statuses;
import dev.rstt.testsupport.ToneScript;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Load generator: N app sessions through the gateway and M direct Deepgram clients against the emulator, in
 * one run, each streaming tone-word audio at real-time pace. For every spoken word it measures the latency
 * from sending the word's last sample to receiving the first transcript that contains it.
 *
 * <pre>
 * bench --sessions N [--direct M] [--seconds S] [--gateway http://127.0.0.1:8080] [--emulator http://127.0.0.1:8090]
 *       [--token T] [--kafka 127.0.0.1:9092] [--kafka-config client.properties] [--pids name=pid,...] [--failover] [--heap] [--out results.json]
 * </pre>
 *
 * <p>{@code --heap} measures live heap per session: it takes a class histogram of every component (through
 * {@code jcmd <pid> GC.class_histogram}, which runs a full collection first) before the sessions connect and
 * again halfway through the run, and divides the growth of the live heap by the number of sessions. The forced collections pause the components, so a heap run's latencies
 * are not comparable with a plain run's.
 */
public final class BenchCli {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int RATE = 16000;
  private static final int FRAME_MS = 100;
  /** A session counts as held only if no word is lost and its p99 word latency stays under this. */
  private static final long HELD_P99_BOUND_MS = 2000;
  /** The last line of {@code jcmd <pid> GC.class_histogram}: "Total <instances> <bytes>". */
  private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");

  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  private final ScheduledExecutorService pacer = Executors.newScheduledThreadPool(2, r -> {
    Thread t = new Thread(r, "bench-pacer");
    t.setDaemon(true);
    return t;
  });

  /** One streaming client, either an app on the gateway or a direct Deepgram client. */
  private final class Client {
    final boolean direct;
    final ToneScript script;
    final Map<String, Integer> wordIndex = new HashMap<>();
    final long[] frameSentNanos;
    final long[] latencyNanos;
    final AtomicInteger heard = new AtomicInteger();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final StringBuilder partial = new StringBuilder();
    final ConcurrentLinkedQueue<String> statuses = new ConcurrentLinkedQueue<>();
    final Map<String, Long> statusAt = new java.util.concurrent.ConcurrentHashMap<>();
    final long[] receivedNanos;
    WebSocket socket;
    List<byte[]> frames;

    Client(boolean direct, ToneScript script) {
      this.direct = direct;
      this.script = script;
      for (int i = 0; i < script.words().size(); i++) {
        wordIndex.put(script.words().get(i).text(), i);
      }
      this.frames = script.frames(FRAME_MS);
      this.frameSentNanos = new long[frames.size()];
      this.latencyNanos = new long[script.words().size()];
      this.receivedNanos = new long[script.words().size()];
      Arrays.fill(latencyNanos, -1);
    }

    void onWord(String raw, long now) {
      String word = raw.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
      Integer i = wordIndex.get(word);
      if (i == null || latencyNanos[i] >= 0) {
        return;
      }
      long lastSample = script.words().get(i).endSample();
      int frame = (int) Math.min(frames.size() - 1, lastSample / (RATE * FRAME_MS / 1000));
      long sent = frameSentNanos[frame];
      if (sent == 0) {
        return;
      }
      latencyNanos[i] = now - sent;
      receivedNanos[i] = now;
      heard.incrementAndGet();
    }

    void onMessage(String message) {
      long now = System.nanoTime();
      if ("ping".equals(message)) {
        return;
      }
      JsonNode node = JSON.readTree(message);
      if (direct) {
        if ("Results".equals(node.path("type").asString()) && node.path("is_final").asBoolean()) {
          for (JsonNode w : node.path("channel").path("alternatives").path(0).path("words")) {
            onWord(w.path("word").asString(), now);
          }
        }
      } else if (node.isArray()) {
        for (JsonNode segment : node) {
          for (String token : segment.path("text").asString().split("\\s+")) {
            onWord(token, now);
          }
        }
      } else if ("service_status".equals(node.path("type").asString())) {
        String status = node.path("status").asString();
        statuses.add(status);
        statusAt.putIfAbsent(status, now);
      }
    }

    CompletableFuture<Void> connect(String url, Map<String, String> headers) {
      WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30));
      headers.forEach(builder::header);
      return builder.buildAsync(URI.create(url), new WebSocket.Listener() {
        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
          partial.append(data);
          if (last) {
            String m = partial.toString();
            partial.setLength(0);
            try {
              onMessage(m);
            } catch (RuntimeException e) {
              // a malformed message is counted as nothing heard
            }
          }
          ws.request(1);
          return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
          closed.complete(code);
          return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
          closed.complete(-1);
        }
      }).thenAccept(ws -> socket = ws);
    }

    /** Sends frames at real-time pace, starting after {@code delayMs}; completes after the end message. */
    CompletableFuture<Void> stream(long delayMs) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      AtomicInteger next = new AtomicInteger();
      ScheduledFuture<?>[] task = new ScheduledFuture<?>[1];
      task[0] = pacer.scheduleAtFixedRate(() -> {
        int i = next.getAndIncrement();
        if (i > frames.size() || closed.isDone()) {
          // a socket the other side closed (a direct client in a failover run) has nothing more to send
          done.complete(null);
          task[0].cancel(false);
          return;
        }
        if (i == frames.size()) {
          String end = direct ? "{\"type\":\"CloseStream\"}" : "{\"type\":\"stop\"}";
          socket.sendText(end, true).whenComplete((v, e) -> done.complete(null));
          task[0].cancel(false);
          return;
        }
        frameSentNanos[i] = System.nanoTime();
        socket.sendBinary(ByteBuffer.wrap(frames.get(i)), true);
      }, delayMs, FRAME_MS, TimeUnit.MILLISECONDS);
      return done;
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--failover") || args[i].equals("--heap")) {
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
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < sessions + direct; i++) {
      boolean isDirect = i >= sessions;
      clients.add(new Client(isDirect, ToneScript.numbered(RATE, (i * 37) % 1000, words, i % 4, 400)));
    }
    // the generator's own share of the machine is reported beside the components it loads
    String measured = (opts.containsKey("pids") ? opts.get("pids") + "," : "") + "generator="
        + ProcessHandle.current().pid();
    Map<String, CpuSample> cpuBefore = cpu(measured);
    boolean heap = opts.containsKey("heap");
    Map<String, Long> heapBefore = heap ? liveHeapByProcess(opts.get("pids")) : Map.of();
    System.out.printf("bench: %d pipeline sessions + %d direct, %d words (%.0f s) each%n", sessions, direct, words,
        clients.get(0).script.durationSeconds());
    List<CompletableFuture<Void>> connects = new ArrayList<>();
    for (Client c : clients) {
      if (c.direct) {
        String ws = emulator.replaceFirst("^http", "ws") + "/v1/listen?model=nova-3&language=en&encoding=linear16"
            + "&sample_rate=" + RATE + "&channels=1&interim_results=false&punctuate=true&diarize=true&endpointing=100";
        connects.add(c.connect(ws, Map.of("Authorization", "Token bench")));
      } else {
        String ws = gateway.replaceFirst("^http", "ws") + "/v4/listen?language=en&sample_rate=" + RATE
            + "&codec=pcm16&channels=1";
        // Each app session is its own user, as in production (the gateway caps sessions per user).
        String bearer = secret != null ? devToken(secret, "bench-" + clients.indexOf(c)) : token;
        connects.add(c.connect(ws, Map.of("Authorization", "Bearer " + bearer)));
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
    long startNanos = System.nanoTime();
    long wallStart = System.currentTimeMillis();
    List<CompletableFuture<Void>> streams = new ArrayList<>();
    for (int i = 0; i < clients.size(); i++) {
      Client c = clients.get(i);
      if (c.socket != null) {
        streams.add(c.stream((long) i * FRAME_MS / Math.max(1, clients.size() / 10 + 1) % 1000));
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
        ? pacer.schedule(() -> liveHeapByProcess(opts.get("pids")), seconds / 2, TimeUnit.SECONDS).get()
        : Map.of();
    for (CompletableFuture<Void> s : streams) {
      s.get(seconds + 120L, TimeUnit.SECONDS);
    }
    for (Client c : clients) {
      if (c.socket != null) {
        try {
          c.closed.get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
          // a session that never closed is reported as not held
        }
      }
    }
    double elapsed = (System.nanoTime() - startNanos) / 1e9;
    Map<String, CpuSample> cpuAfter = cpu(measured);

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("sessions", sessions);
    report.put("direct_sessions", direct);
    report.put("seconds_per_session", clients.get(0).script.durationSeconds());
    report.put("started_at", java.time.Instant.ofEpochMilli(wallStart).toString());
    Map<String, Object> pipeline = summarize(clients.stream().filter(c -> !c.direct).toList());
    Map<String, Object> directSummary = summarize(clients.stream().filter(c -> c.direct).toList());
    report.put("pipeline", pipeline);
    report.put("direct", directSummary);
    report.put("timeline", timeline(clients, startNanos));
    if (directSummary.get("p99_ms") instanceof Double d && pipeline.get("p99_ms") instanceof Double p && d > 0) {
      report.put("p99_ratio", p / d);
      report.put("p99_added_ms", p - d);
      report.put("p50_added_ms", (Double) pipeline.get("p50_ms") - (Double) directSummary.get("p50_ms"));
    }
    long frames = clients.stream().filter(c -> !c.direct).mapToLong(c -> c.frames.size()).sum();
    report.put("gateway_frames_per_s", frames / elapsed);
    report.put("components", components(cpuBefore, cpuAfter));
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
      report.put("failover", failover(clients.stream().filter(c -> !c.direct).toList(), faultWindow[0],
          faultWindow[1]));
    }
    String json = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report);
    System.out.println(json);
    if (opts.containsKey("out")) {
      Files.writeString(Path.of(opts.get("out")), json, StandardCharsets.UTF_8);
    }
    pacer.shutdownNow();
    return 0;
  }

  /** Time from the fault to stt_degraded and to the first word heard after it; from clearing to stt_recovered. */
  private static Map<String, Object> failover(List<Client> apps, long faultAt, long clearedAt) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("fault_to_stt_degraded", percentiles(apps.stream().filter(c -> c.statusAt.containsKey(Statuses.STT_DEGRADED))
        .mapToLong(c -> c.statusAt.get(Statuses.STT_DEGRADED) - faultAt).toArray()));
    r.put("fault_to_first_degraded_word", percentiles(apps.stream().filter(c -> c.statusAt.containsKey(Statuses.STT_DEGRADED))
        .mapToLong(c -> {
          long degradedAt = c.statusAt.get(Statuses.STT_DEGRADED);
          return Arrays.stream(c.receivedNanos).filter(t -> t > degradedAt).min().orElse(Long.MAX_VALUE) - faultAt;
        }).filter(d -> d < Long.MAX_VALUE / 2).toArray()));
    r.put("cleared_to_stt_recovered", percentiles(apps.stream().filter(c -> c.statusAt.containsKey(Statuses.STT_RECOVERED))
        .mapToLong(c -> c.statusAt.get(Statuses.STT_RECOVERED) - clearedAt).toArray()));
    r.put("sessions_degraded", apps.stream().filter(c -> c.statusAt.containsKey(Statuses.STT_DEGRADED)).count());
    r.put("sessions_recovered", apps.stream().filter(c -> c.statusAt.containsKey(Statuses.STT_RECOVERED)).count());
    return r;
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


  private static Map<String, Object> summarize(List<Client> clients) {
    List<Long> all = new ArrayList<>();
    int held = 0;
    long lost = 0;
    long spoken = 0;
    for (Client c : clients) {
      long[] mine = Arrays.stream(c.latencyNanos).filter(l -> l >= 0).sorted().toArray();
      long missing = c.latencyNanos.length - mine.length;
      lost += missing;
      spoken += c.latencyNanos.length;
      for (long l : mine) {
        all.add(l);
      }
      if (c.socket != null && missing == 0 && mine.length > 0
          && mine[(int) Math.ceil(0.99 * mine.length) - 1] / 1_000_000 <= HELD_P99_BOUND_MS) {
        held++;
      }
    }
    Map<String, Object> r = new LinkedHashMap<>(percentiles(all.stream().mapToLong(Long::longValue).toArray()));
    r.put("sessions_held", held);
    r.put("words_spoken", spoken);
    r.put("words_lost", lost);
    return r;
  }

  /**
   * Per second of the run (by when the word was heard): words heard and the worst latency, for the pipeline and
   * for direct. Stalls that hit every session at once (a collection pause, a busy broker) show as a second whose
   * worst latency jumps in many sessions; noise in one session does not.
   */
  private static List<Map<String, Object>> timeline(List<Client> clients, long startNanos) {
    Map<Long, long[]> seconds = new java.util.TreeMap<>(); // second -> pipeline count, max, direct count, max
    for (Client c : clients) {
      for (int i = 0; i < c.latencyNanos.length; i++) {
        if (c.latencyNanos[i] < 0) {
          continue;
        }
        long[] row = seconds.computeIfAbsent(Math.max(0, (c.receivedNanos[i] - startNanos) / 1_000_000_000L),
            k -> new long[4]);
        int at = c.direct ? 2 : 0;
        row[at]++;
        row[at + 1] = Math.max(row[at + 1], c.latencyNanos[i] / 1_000_000);
      }
    }
    List<Map<String, Object>> r = new ArrayList<>();
    seconds.forEach((second, row) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("second", second);
      m.put("pipeline_words", row[0]);
      m.put("pipeline_max_ms", row[1]);
      m.put("direct_words", row[2]);
      m.put("direct_max_ms", row[3]);
      r.add(m);
    });
    return r;
  }

  private static Map<String, Object> percentiles(long[] nanos) {
    Map<String, Object> r = new LinkedHashMap<>();
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    r.put("count", sorted.length);
    for (double q : new double[] {0.50, 0.95, 0.99}) {
      String key = "p" + (int) Math.round(q * 100) + "_ms";
      r.put(key, sorted.length == 0 ? null : sorted[(int) Math.ceil(q * sorted.length) - 1] / 1e6);
    }
    return r;
  }

  /** Live heap of every named process in KiB, from its class histogram (see {@link #liveHeapKib(String)}). */
  private static Map<String, Long> liveHeapByProcess(String pids) {
    Map<String, Long> r = new LinkedHashMap<>();
    if (pids == null || pids.isBlank()) {
      return r;
    }
    Path jcmd = ProcessHandle.current().info().command().map(Path::of).map(java -> java.resolveSibling("jcmd"))
        .orElse(Path.of("jcmd"));
    for (String entry : pids.split(",")) {
      String[] kv = entry.split("=");
      try {
        r.put(kv[0], liveHeapKib(jcmd(jcmd, kv[1], "GC.class_histogram")));
      } catch (Exception e) {
        System.err.println("bench: no heap reading for " + kv[0] + ": " + e.getMessage());
      }
    }
    return r;
  }

  /**
   * The live heap in KiB from {@code jcmd GC.class_histogram}, whose last line totals the objects that survived
   * the full collection it runs first (taken at one safepoint, so allocation in between cannot inflate it).
   */
  static long liveHeapKib(String histogram) {
    Matcher m = HISTOGRAM_TOTAL.matcher(histogram);
    if (!m.find()) {
      throw new IllegalArgumentException("no Total line in: " + histogram.strip().lines().findFirst().orElse(""));
    }
    return Long.parseLong(m.group(1)) / 1024;
  }

  private static String jcmd(Path jcmd, String pid, String command) throws Exception {
    Process p = new ProcessBuilder(jcmd.toString(), pid, command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + out.strip());
    }
    return out;
  }

  private record CpuSample(long ticks, long rssKb, long atNanos) {
  }

  /** CPU ticks and resident memory of named processes, from /proc. */
  private static Map<String, CpuSample> cpu(String pids) {
    Map<String, CpuSample> r = new LinkedHashMap<>();
    if (pids == null || pids.isBlank()) {
      return r;
    }
    for (String entry : pids.split(",")) {
      String[] kv = entry.split("=");
      try {
        String stat = Files.readString(Path.of("/proc", kv[1], "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc", kv[1], "status"))) {
          if (line.startsWith("VmRSS:")) {
            rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
        r.put(kv[0], new CpuSample(ticks, rss, System.nanoTime()));
      } catch (Exception e) {
        // a process that is gone is left out
      }
    }
    return r;
  }

  private static Map<String, Object> components(Map<String, CpuSample> before, Map<String, CpuSample> after) {
    Map<String, Object> r = new LinkedHashMap<>();
    after.forEach((name, a) -> {
      CpuSample b = before.get(name);
      Map<String, Object> c = new LinkedHashMap<>();
      if (b != null) {
        double seconds = (a.atNanos() - b.atNanos()) / 1e9;
        c.put("cpu_cores", (a.ticks() - b.ticks()) / 100.0 / seconds);
      }
      c.put("rss_mib", a.rssKb() / 1024.0);
      r.put(name, c);
    });
    return r;
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
