package dev.rstt.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service running as its own JVM from its exec jar, as in production; killable with SIGKILL. Health and metrics
 * are on its management port: the gateway's own (a second port), every other service's only port.
 */
final class ServiceProcess implements AutoCloseable {

  static final Path ROOT = Path.of(System.getProperty("rstt.root", "..")).toAbsolutePath().normalize();
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final int port;
  private final int managementPort;
  private final Process process;
  private final Path log;

  private ServiceProcess(String name, int port, int managementPort, Process process, Path log) {
    this.name = name;
    this.port = port;
    this.managementPort = managementPort;
    this.process = process;
    this.log = log;
  }

  static ServiceProcess start(String module, String instance, Map<String, String> env, List<String> args) {
    return start(module, instance, freePort(), env, args);
  }

  static ServiceProcess start(String module, String instance, int port, Map<String, String> env, List<String> args) {
    Path jar = ROOT.resolve(module).resolve("target").resolve(module + "-exec.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: build with mvn package first");
    }
    List<String> command = new ArrayList<>(List.of(javaBin(), "-XX:+UseSerialGC", "-Xmx320m", "-Xss512k",
        "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "--server.port=" + port));
    int managementPort = port;
    if (module.equals("ingest-gateway")) {
      managementPort = freePort();
      command.add("--management.server.port=" + managementPort);
    }
    command.addAll(args);
    try {
      Path logs = ROOT.resolve("e2e-tests/target/service-logs");
      Files.createDirectories(logs);
      Path log = logs.resolve(module + "-" + instance + ".log");
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().putAll(env);
      return new ServiceProcess(module + "-" + instance, port, managementPort, builder.start(), log);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot start " + module, e);
    }
  }

  ServiceProcess awaitHealthy(Duration timeout) {
    await(name + " healthy").atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
      }
      try {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(managementUrl() + "/actuator/health"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 && r.body().contains("\"UP\"");
      } catch (IOException e) {
        return false;
      }
    });
    return this;
  }

  String httpUrl() {
    return "http://127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  /** Health and metrics ({@code /actuator/*}): loopback only unless RSTT_MANAGEMENT_ADDRESS says otherwise. */
  String managementUrl() {
    return "http://127.0.0.1:" + managementPort;
  }

  int managementPort() {
    return managementPort;
  }

  String name() {
    return name;
  }

  /** The file this service logs to (appended to by every service of the same module and instance number). */
  Path logFile() {
    return log;
  }

  /** kill -9. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  boolean alive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
