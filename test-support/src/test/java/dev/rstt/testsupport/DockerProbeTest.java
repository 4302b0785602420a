package dev.rstt.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DockerProbeTest {

  @Test
  void shouldNeedRyukAndAlpineOnlyWhereTestcontainersWouldStartThem() {
    assertThat(DockerProbe.requiredImages("apache/kafka:4.1.2", Map.of(), false))
        .containsExactly("apache/kafka:4.1.2", DockerProbe.RYUK_IMAGE);
    assertThat(DockerProbe.requiredImages("apache/kafka:4.1.2", Map.of(), true))
        .containsExactly("apache/kafka:4.1.2", DockerProbe.RYUK_IMAGE, DockerProbe.ALPINE_IMAGE);
    assertThat(DockerProbe.requiredImages("apache/kafka:4.1.2",
        Map.of("TESTCONTAINERS_RYUK_DISABLED", "true", "TESTCONTAINERS_HOST_OVERRIDE", "localhost"), true))
        .containsExactly("apache/kafka:4.1.2");
  }

  @Test
  void shouldUseDockerHostOrTheDefaultSocket() {
    assertThat(DockerProbe.dockerHost(Map.of())).hasToString("unix:///var/run/docker.sock");
    assertThat(DockerProbe.dockerHost(Map.of("DOCKER_HOST", "tcp://127.0.0.1:2375")))
        .hasToString("tcp://127.0.0.1:2375");
  }

  @Test
  void shouldReportAMissingEngineAtOnceInsteadOfHanging() {
    Optional<String> problem = DockerProbe.problem("apache/kafka:4.1.2",
        Map.of("DOCKER_HOST", "unix:///nonexistent/rstt-docker.sock"), Duration.ofSeconds(5));
    assertThat(problem).hasValueSatisfying(p -> assertThat(p).contains("no Docker engine"));
  }

  @Test
  void shouldReportAnEngineThatDoesNotAnswer() throws Exception {
    // A TCP port that accepts nothing: the probe gives up after its connect timeout.
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Optional<String> problem = DockerProbe.problem("apache/kafka:4.1.2",
        Map.of("DOCKER_HOST", "tcp://127.0.0.1:" + port), Duration.ofSeconds(5));
    assertThat(problem).hasValueSatisfying(p -> assertThat(p).contains("not usable"));
  }
}
