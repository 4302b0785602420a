package dev.rstt.testsupport;

import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides, quickly and without Testcontainers, whether Testcontainers can start the Kafka container here, and if
 * not, why. Testcontainers itself does not answer that question safely: on a machine with a {@code /.dockerenv}
 * it starts an {@code alpine} container to find the gateway, and unless Ryuk is disabled it starts
 * {@code testcontainers/ryuk}; where those images can be neither found nor pulled it retries pulls for minutes
 * and then throws, instead of reporting "no Docker". So this probe asks the engine directly (the ping and image
 * calls of the Engine API, with short timeouts) for everything the start will need:
 *
 * <ol>
 *   <li>an engine answering {@code /_ping} at {@code DOCKER_HOST} (default {@code unix:///var/run/docker.sock});
 *   <li>the broker image, and the Ryuk image unless {@code TESTCONTAINERS_RYUK_DISABLED=true}, and inside a
 *       container without {@code TESTCONTAINERS_HOST_OVERRIDE} the {@code alpine} image: each present locally,
 *       or pulled within the pull timeout.
 * </ol>
 */
final class DockerProbe {

  static final String RYUK_IMAGE = "testcontainers/ryuk:0.14.0";
  static final String ALPINE_IMAGE = "alpine:3.17";

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  private DockerProbe() {
  }

  /** The images a Testcontainers start of {@code kafkaImage} needs with this environment. */
  static List<String> requiredImages(String kafkaImage, Map<String, String> env, boolean inContainer) {
    List<String> images = new ArrayList<>(List.of(kafkaImage));
    if (!"true".equalsIgnoreCase(env.getOrDefault("TESTCONTAINERS_RYUK_DISABLED", "").strip())) {
      images.add(RYUK_IMAGE);
    }
    if (inContainer && env.getOrDefault("TESTCONTAINERS_HOST_OVERRIDE", "").isBlank()) {
      images.add(ALPINE_IMAGE);
    }
    return images;
  }

  /** The engine's address: {@code DOCKER_HOST}, else the default Unix socket. */
  static URI dockerHost(Map<String, String> env) {
    String host = env.getOrDefault("DOCKER_HOST", "").strip();
    return URI.create(host.isEmpty() ? "unix:///var/run/docker.sock" : host);
  }

  /**
   * Why Testcontainers cannot start {@code kafkaImage} here, or empty when it can. Takes at most a few seconds,
   * plus {@code pullTimeout} per missing image.
   */
  static Optional<String> problem(String kafkaImage, Map<String, String> env, Duration pullTimeout) {
    URI host = dockerHost(env);
    if ("unix".equals(host.getScheme()) && !Files.exists(Path.of(host.getPath()))) {
      return Optional.of("no Docker engine: " + host.getPath() + " does not exist");
    }
    try (DockerHttpClient ping = client(host, CALL_TIMEOUT)) {
      int status = call(ping, DockerHttpClient.Request.Method.GET, "/_ping").status();
      if (status != 200) {
        return Optional.of("the Docker engine at " + host + " answers /_ping with HTTP " + status);
      }
      for (String image : requiredImages(kafkaImage, env, Files.exists(Path.of("/.dockerenv")))) {
        if (present(ping, image)) {
          continue;
        }
        String pulled = pull(host, image, pullTimeout);
        if (!present(ping, image)) {
          return Optional.of("image " + image + " is not present and cannot be pulled (" + pulled + ")"
              + hint(image));
        }
      }
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.of("the Docker engine at " + host + " is not usable: " + e);
    }
  }

  private static String hint(String image) {
    if (image.equals(RYUK_IMAGE)) {
      return "; set TESTCONTAINERS_RYUK_DISABLED=true where no registry is reachable";
    }
    if (image.equals(ALPINE_IMAGE)) {
      return "; set TESTCONTAINERS_HOST_OVERRIDE=localhost when the engine runs on this host";
    }
    return "; docker/local-images.sh builds a local broker image under this name";
  }

  private static boolean present(DockerHttpClient client, String image) throws IOException {
    return call(client, DockerHttpClient.Request.Method.GET, "/images/" + image + "/json").status() == 200;
  }

  /** Asks the engine to pull; returns what it said (the last line of its progress stream, or the error). */
  private static String pull(URI host, String image, Duration timeout) {
    int colon = image.lastIndexOf(':');
    String path = "/images/create?fromImage=" + encode(image.substring(0, colon)) + "&tag="
        + encode(image.substring(colon + 1));
    try (DockerHttpClient client = client(host, timeout)) {
      Answer answer = call(client, DockerHttpClient.Request.Method.POST, path);
      String body = answer.body().strip();
      String last = body.isEmpty() ? "" : body.substring(body.lastIndexOf('\n') + 1);
      return "HTTP " + answer.status() + (last.isEmpty() ? "" : ": " + abbreviate(last));
    } catch (IOException | RuntimeException e) {
      return "pull failed: " + abbreviate(String.valueOf(e));
    }
  }

  private record Answer(int status, String body) {
  }

  private static Answer call(DockerHttpClient client, DockerHttpClient.Request.Method method, String path)
      throws IOException {
    DockerHttpClient.Request request = new DockerHttpClient.Request.Builder().method(method).path(path).build();
    try (DockerHttpClient.Response response = client.execute(request); InputStream body = response.getBody()) {
      return new Answer(response.getStatusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static DockerHttpClient client(URI host, Duration responseTimeout) {
    return new ZerodepDockerHttpClient.Builder().dockerHost(host).connectionTimeout(CONNECT_TIMEOUT)
        .responseTimeout(responseTimeout).build();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
