package dev.rstt.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A single-node KRaft broker as its own JVM (the tools jar's {@code kafka} command, as {@code ./pipeline up} runs
 * it), so a test can do to it what an operator sees happen to a broker: {@link #pause()} (SIGSTOP: the process
 * freezes with its sockets open, so clients see no error, only silence), {@link #resume()} (SIGCONT),
 * {@link #kill()} (kill -9) and {@link #restart()} on the same data and port. The in-process broker of
 * {@code KafkaBroker.shared()} cannot be stopped like that, so the default stack keeps it and stall tests opt in
 * to this one.
 */
final class BrokerProcess implements AutoCloseable {

  private final int port;
  private final Path dataDir;
  private final Path log;
  private final Map<String, String> settings;
  private Process process;
  private boolean paused;

  private BrokerProcess(int port, Path dataDir, Path log, Map<String, String> settings) {
    this.port = port;
    this.dataDir = dataDir;
    this.log = log;
    this.settings = settings;
  }

  /**
   * Starts a broker and waits until it answers.
   *
   * @param settings broker settings ({@code num.io.threads} → {@code 4}), on top of the tools jar's defaults
   */
  static BrokerProcess start(Map<String, String> settings) {
    Path dataDir = ServiceProcess.ROOT.resolve("e2e-tests/target/kafka-" + System.nanoTime());
    Path log = ServiceProcess.ROOT.resolve("e2e-tests/target/service-logs/kafka-" + dataDir.getFileName() + ".log");
    BrokerProcess broker = new BrokerProcess(freePortPair(), dataDir, log, Map.copyOf(settings));
    broker.launch();
    return broker;
  }

  String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** SIGSTOP: the broker freezes; connections stay open and requests wait unanswered. */
  synchronized void pause() {
    signal("STOP");
    paused = true;
  }

  /** SIGCONT after {@link #pause()}. */
  synchronized void resume() {
    signal("CONT");
    paused = false;
  }

  /** Pauses the broker now and resumes it after {@code duration}; the future completes once it is resumed. */
  CompletableFuture<Void> stall(Duration duration) {
    pause();
    CompletableFuture<Void> resumed = new CompletableFuture<>();
    CompletableFuture.delayedExecutor(duration.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
      try {
        resume();
        resumed.complete(null);
      } catch (RuntimeException e) {
        resumed.completeExceptionally(e);
      }
    });
    return resumed;
  }

  /** kill -9. */
  synchronized void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    paused = false;
  }

  /** Starts the broker again on the same port and data (after {@link #kill()}). */
  synchronized void restart() {
    if (process.isAlive()) {
      throw new IllegalStateException("the broker still runs");
    }
    launch();
  }

  private void launch() {
    Path jar = ServiceProcess.ROOT.resolve("pipeline-tools/target/pipeline-tools-exec.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: build with mvn package first");
    }
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder builder = new ProcessBuilder(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:+UseSerialGC", "-Xmx512m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "kafka"))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      Map<String, String> env = builder.environment();
      env.put("KAFKA_PORT", Integer.toString(port));
      env.put("KAFKA_DATA_DIR", dataDir.toString());
      settings.forEach((key, value) -> env.put("KAFKA_CFG_" + key.toUpperCase(java.util.Locale.ROOT)
          .replace('.', '_'), value));
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot start the broker", e);
    }
    awaitReady(Duration.ofSeconds(90));
  }

  private void awaitReady(Duration timeout) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
    try (Admin admin = Admin.create(props)) {
      await("broker on " + bootstrapServers()).atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() -> {
        if (!process.isAlive()) {
          throw new IllegalStateException("the broker exited with " + process.exitValue() + "; see " + log);
        }
        try {
          return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
          return false;
        }
      });
    }
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized void close() throws InterruptedException {
    if (process == null || !process.isAlive()) {
      return;
    }
    if (paused) {
      resume();
    }
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** A free port whose successor is free too (the controller listens on port + 1). */
  private static int freePortPair() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port = ServiceProcess.freePort();
      if (port < 65535 && free(port + 1)) {
        return port;
      }
    }
    throw new IllegalStateException("no two adjacent free ports");
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
