package dev.rstt.e2e;

import static org.awaitility.Awaitility.await;

import dev.rstt.common.auth.DevTokens;
import dev.rstt.emulator.DeepgramEmulator;
import dev.rstt.emulator.EmulatorSettings;
import dev.rstt.testsupport.KafkaBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.rstt.tools.TranscriptReader;
import tools.jackson.databind.JsonNode;

/**
 * The whole pipeline for one test class: a real KRaft broker (by default the in-process one; a test that must
 * stop the broker passes a {@link BrokerProcess}), the emulator, and every service as its own JVM started from
 * its exec jar with short, test-friendly timings.
 */
final class Stack implements AutoCloseable {

  /** The gateways' development HS256 secret: random per run (no secret is a constant of the repository). */
  static final String SECRET = DevTokens.randomSecret();
  /** The internal credential of the gateway's calls to the merger (and the merger's to another instance): random. */
  static final String INTERNAL_SECRET = DevTokens.randomSecret();

  /**
   * What every gateway of the e2e stack runs with: development mode by name, its secret in the environment (never on
   * a command line), audio up to 10x real time (the tests stream at 1-2x and catch up after broker stalls), and
   * room for many connections from 127.0.0.1.
   */
  static final List<String> GATEWAY_DEV_MODE = List.of(
      "--rstt.gateway.limits.max-speed=10",
      "--rstt.gateway.limits.ip-connect-burst=1000",
      "--rstt.gateway.limits.ip-connect-refill=10ms");
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** The broker process, or null on the default stack (the in-process broker, which cannot be paused). */
  final BrokerProcess brokerProcess;
  private final String bootstrapServers;
  private final List<String> extraArgs;
  final DeepgramEmulator emulator;
  /** Prefix of every topic name (and of the merger's application id); blank on a broker of its own. */
  final String prefix;
  private final Map<String, Map<String, String>> moduleEnv;
  private final List<ServiceProcess> processes = new ArrayList<>();
  /** How long a started service may take to become healthy (longer where a restart may meet a stopped broker). */
  volatile Duration startTimeout = Duration.ofSeconds(90);
  private int instances;

  ServiceProcess merger;
  final String mergerStateDir = ServiceProcess.ROOT.resolve("e2e-tests/target/merger-state-" + System.nanoTime())
      .toString();

  /** The default stack, on the JVM's shared in-process broker. */
  Stack() {
    this(null, List.of(), EmulatorSettings.defaults().withPort(0));
  }

  /**
   * With an emulator of these settings (e.g. its admin API opened to a web page's origin, or realism on from the
   * start: {@code EmulatorSettings.defaults().withPort(0).withRealism(Realism.on(seed))}).
   */
  Stack(EmulatorSettings emulatorSettings) {
    this(null, List.of(), emulatorSettings);
  }

  /**
   * @param brokerProcess the broker the services use (null: the shared in-process broker)
   * @param extraArgs arguments every service gets after the common ones (e.g. shorter Kafka client timeouts)
   */
  Stack(BrokerProcess brokerProcess, List<String> extraArgs) {
    this(brokerProcess, extraArgs, EmulatorSettings.defaults().withPort(0));
  }

  Stack(BrokerProcess brokerProcess, List<String> extraArgs, EmulatorSettings emulatorSettings) {
    this(brokerProcess, brokerProcess != null ? brokerProcess.bootstrapServers()
        : KafkaBroker.shared().bootstrapServers(), extraArgs, emulatorSettings, KafkaBroker.uniquePrefix("e2e"),
        Map.of());
  }

  private Stack(BrokerProcess brokerProcess, String bootstrapServers, List<String> extraArgs,
      EmulatorSettings emulatorSettings, String prefix, Map<String, Map<String, String>> moduleEnv) {
    this.brokerProcess = brokerProcess;
    this.bootstrapServers = bootstrapServers;
    this.extraArgs = List.copyOf(extraArgs);
    this.prefix = prefix;
    this.moduleEnv = moduleEnv;
    this.emulator = DeepgramEmulator.start(emulatorSettings);
  }

  /**
   * A stack on a broker of its own ({@code bootstrap}), with the default topic names and merger application id, each
   * service given {@code moduleEnv.get(module)} on top of the common environment (e.g. its Kafka credentials).
   */
  static Stack on(String bootstrap, Map<String, Map<String, String>> moduleEnv) {
    return new Stack(null, bootstrap, List.of(), EmulatorSettings.defaults().withPort(0), "", moduleEnv);
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  Map<String, String> env(String module) {
    Map<String, String> env = new java.util.HashMap<>(Map.of("KAFKA_BOOTSTRAP", bootstrapServers,
        "DEEPGRAM_BASE_URL", emulator.httpUrl(), "RSTT_INTERNAL_SECRET", INTERNAL_SECRET));
    env.putAll(moduleEnv.getOrDefault(module, Map.of()));
    return env;
  }

  /** {@code rstt.merger.application-id} of this stack's merger. */
  String mergerApplicationId() {
    return prefix.isEmpty() ? "transcript-merger" : prefix.replace('.', '-') + "merger";
  }

  List<String> common() {
    return List.of(
        "--rstt.topics.partitions=4",
        "--rstt.topics.audio-frames=" + prefix + "audio.frames",
        "--rstt.topics.audio-degraded=" + prefix + "audio.degraded",
        "--rstt.topics.transcript-events=" + prefix + "transcript.events",
        "--rstt.topics.session-updates=" + prefix + "session.updates",
        // A killed member's partitions move after this, not after the 45 s default.
        "--spring.kafka.consumer.properties.session.timeout.ms=6000",
        "--spring.kafka.consumer.properties.heartbeat.interval.ms=1000",
        "--spring.kafka.streams.properties.session.timeout.ms=6000",
        "--spring.kafka.streams.properties.heartbeat.interval.ms=1000");
  }

  ServiceProcess start(String module, List<String> args) {
    return start(module, ServiceProcess.freePort(), args);
  }

  ServiceProcess start(String module, int port, List<String> args) {
    List<String> all = new ArrayList<>(common());
    all.addAll(extraArgs);
    Map<String, String> env = env(module);
    if (module.equals("ingest-gateway")) {
      all.addAll(GATEWAY_DEV_MODE);
      env.put("RSTT_DEV_MODE", "true");
      env.put("RSTT_GATEWAY_AUTH_HS256_SECRET", SECRET);
    }
    all.addAll(args);
    ServiceProcess p = ServiceProcess.start(module, Integer.toString(++instances), port, env, all);
    processes.add(p);
    return p.awaitHealthy(startTimeout);
  }

  /** The merger keeps its port across restarts, so the gateways' merger URL stays valid. */
  private final int mergerPort = ServiceProcess.freePort();

  ServiceProcess startMerger() {
    return startMerger(List.of());
  }

  ServiceProcess startMerger(List<String> extra) {
    List<String> args = new ArrayList<>(List.of("--rstt.merger.state-dir=" + mergerStateDir,
        "--rstt.merger.application-server=127.0.0.1:" + mergerPort,
        "--rstt.merger.instance-id=e2e-merger",
        "--rstt.merger.application-id=" + mergerApplicationId()));
    args.addAll(extra);
    merger = start("transcript-merger", mergerPort, args);
    return merger;
  }

  ServiceProcess startSttWorker() {
    return start("stt-worker", Settings.STT_WORKER);
  }

  ServiceProcess startBatchWorker() {
    return start("batch-worker", Settings.BATCH_WORKER);
  }

  ServiceProcess startGateway() {
    return startGateway(ServiceProcess.freePort());
  }

  /** A gateway on a given port (a restarted one keeps its port, so apps find it again). */
  ServiceProcess startGateway(int port) {
    return start("ingest-gateway", port, List.of("--rstt.gateway.merger-url=" + merger.httpUrl()));
  }

  /** A development token for {@code uid}, signed with the gateways' HS256 secret. */
  static String token(String uid) {
    return DevTokens.mint(uid, SECRET, Duration.ofHours(1), java.time.Clock.systemUTC());
  }

  void faults(String json) {
    send(HttpRequest.newBuilder(URI.create(emulator.httpUrl() + "/__emulator/faults"))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  void healthy() {
    send(HttpRequest.newBuilder(URI.create(emulator.httpUrl() + "/__emulator/faults")).DELETE().build());
  }

  /**
   * Deepgram's imperfections from now on (the emulator's realism with its defaults: each path's word times off by up
   * to 40 ms, fragments for words cut by the audio's edges), for sockets and requests opened after this call.
   */
  void realism(long seed) {
    realism("{\"seed\":" + seed + "}");
  }

  /** Realism as {@code PUT /__emulator/realism} takes it (e.g. with late or split finals). */
  void realism(String json) {
    send(HttpRequest.newBuilder(URI.create(emulator.httpUrl() + "/__emulator/realism"))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  /** An exact emulator again (realism off). */
  void realismOff() {
    send(HttpRequest.newBuilder(URI.create(emulator.httpUrl() + "/__emulator/realism")).DELETE().build());
  }

  JsonNode emulatorStats() {
    return AppSession.JSON.readTree(send(HttpRequest.newBuilder(
        URI.create(emulator.httpUrl() + "/__emulator/stats")).GET().build()));
  }

  /** The transcript as the gateway serves it after the socket closed. */
  JsonNode transcript(ServiceProcess gateway, String sessionId, String uid) {
    try {
      TranscriptReader.Result read = new TranscriptReader(HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1).build(), gateway.httpUrl(),
          Duration.ofSeconds(15)).read(sessionId, token(uid));
      if (!read.ok()) {
        throw new IllegalStateException("transcript of " + sessionId + ": HTTP " + read.refused().status() + " "
            + read.refused().body());
      }
      return read.transcript();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The sum of a Prometheus gauge/counter family on one service (0 when absent). */
  static double metric(ServiceProcess service, String name) {
    String body = send(HttpRequest.newBuilder(URI.create(service.managementUrl() + "/actuator/prometheus")).GET().build());
    double sum = 0;
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(body);
    while (m.find()) {
      sum += Double.parseDouble(m.group(2));
    }
    return sum;
  }

  /**
   * Sends a GET, PUT or DELETE (all idempotent here). Java 17's HttpClient was seen to wait forever for an answer
   * on a pooled keep-alive connection whose request never reached the server; so a call times out after 15 s and
   * is tried once more, on a fresh connection.
   */
  static String send(HttpRequest request) {
    HttpRequest timed = HttpRequest.newBuilder(request, (name, value) -> true).timeout(Duration.ofSeconds(15))
        .build();
    try {
      HttpResponse<String> response;
      try {
        response = HTTP.send(timed, HttpResponse.BodyHandlers.ofString());
      } catch (HttpTimeoutException first) {
        response = HTTP.send(timed, HttpResponse.BodyHandlers.ofString());
      }
      if (response.statusCode() >= 300) {
        throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
      }
      return response.body();
    } catch (Exception e) {
      throw new IllegalStateException(request.uri() + ": " + e.getMessage(), e);
    }
  }

  static void awaitStatus(AppSession app, String status, Duration timeout) {
    await(status + " at the app").atMost(timeout).until(() -> app.statuses().contains(status));
  }

  @Override
  public void close() throws Exception {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
    emulator.close();
  }
}
