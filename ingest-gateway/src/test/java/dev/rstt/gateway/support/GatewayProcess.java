package dev.rstt.gateway.support;

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
import org.awaitility.Awaitility;

/**
 * One real gateway in a JVM of its own (this test's class path), so that a test can kill it with SIGKILL: no
 * shutdown hook, no flush, no close of its producer; its sockets die with it.
 */
public final class GatewayProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final int port;
  private final Path log;

  private GatewayProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts a gateway like {@link GatewayInstance#start} does, and waits until it reports healthy. */
  public static GatewayProcess start(String bootstrap, String prefix, String instanceId, Map<String, Object> extra) {
    int port = freePort();
    int management = freePort();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        "dev.rstt.gateway.GatewayApplication"));
    Map<String, Object> props = GatewayInstance.properties(bootstrap, prefix, instanceId, extra);
    props.put("server.port", port);
    props.put("management.server.port", management);
    props.forEach((k, v) -> command.add("--" + k + "=" + v));
    try {
      Path logs = Path.of("target", "gateway-processes");
      Files.createDirectories(logs);
      Path log = logs.resolve(instanceId + ".log");
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      GatewayProcess gw = new GatewayProcess(process, port, log);
      gw.awaitHealthy(management);
      return gw;
    } catch (IOException e) {
      throw new IllegalStateException("Cannot start a gateway process", e);
    }
  }

  private void awaitHealthy(int managementPort) {
    Awaitility.await("gateway process healthy").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
        .until(() -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("the gateway exited with " + process.exitValue() + "; see " + log);
          }
          try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                + "/actuator/health")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("\"UP\"");
          } catch (IOException e) {
            return false;
          }
        });
  }

  public URI listenUri(String query) {
    return URI.create("ws://localhost:" + port + "/v4/listen" + (query.isEmpty() ? "" : "?" + query));
  }

  /** kill -9. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
