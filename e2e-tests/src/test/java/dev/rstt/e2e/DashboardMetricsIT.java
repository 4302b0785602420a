package dev.rstt.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.schemas.Topics;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * Every metric the Grafana dashboard ({@code docker/grafana/dashboards}) and the Prometheus alert rules
 * ({@code docker/prometheus/alerts.yml}) read exists on the running services' {@code /actuator/prometheus}: the
 * merger, an STT worker, a batch worker and a gateway, each its own JVM against the test broker. A poison record
 * makes the dead-letter counter appear, as it would in production.
 */
class DashboardMetricsIT {

  /** Series Prometheus makes itself rather than scraping them. */
  private static final Set<String> PROMETHEUS_OWN = Set.of("up");

  private static final Path DASHBOARDS = ServiceProcess.ROOT.resolve("docker/grafana/dashboards");
  private static final Path ALERTS = ServiceProcess.ROOT.resolve("docker/prometheus/alerts.yml");

  @Test
  void shouldFindEveryDashboardAndAlertMetricOnTheServices() throws Exception {
    Set<String> wanted = new TreeSet<>();
    List<String> expressions = new ArrayList<>(dashboardExpressions());
    assertThat(expressions).as("dashboard queries").hasSizeGreaterThan(10);
    List<String> rules = alertExpressions();
    assertThat(rules).as("alert rules").hasSizeGreaterThanOrEqualTo(3);
    expressions.addAll(rules);
    for (String expr : expressions) {
      Set<String> names = PromQl.metricNames(expr);
      assertThat(names).as("metrics read by %s", expr).isNotEmpty();
      wanted.addAll(names);
    }
    wanted.removeAll(PROMETHEUS_OWN);

    try (Stack stack = new Stack()) {
      List<ServiceProcess> services = List.of(stack.startMerger(), stack.startSttWorker(),
          stack.startBatchWorker(), stack.startGateway());
      poison(stack, stack.prefix + Topics.AUDIO_FRAMES);
      poison(stack, stack.prefix + Topics.TRANSCRIPT_EVENTS);

      Set<String> exposed = new TreeSet<>();
      await("every dashboard and alert metric on /actuator/prometheus").atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            for (ServiceProcess service : services) {
              exposed.addAll(names(Stack.send(HttpRequest.newBuilder(
                  URI.create(service.managementUrl() + "/actuator/prometheus")).GET().build())));
            }
            assertThat(exposed).as("metrics exposed by merger, STT worker, batch worker and gateway")
                .containsAll(wanted);
          });
    }
  }

  private static List<String> dashboardExpressions() throws Exception {
    List<String> exprs = new ArrayList<>();
    try (var files = Files.list(DASHBOARDS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        JsonNode dashboard = AppSession.JSON.readTree(Files.readString(file));
        for (JsonNode panel : dashboard.path("panels")) {
          for (JsonNode target : panel.path("targets")) {
            exprs.add(target.path("expr").asString());
          }
        }
      }
    }
    return exprs;
  }

  @SuppressWarnings("unchecked")
  private static List<String> alertExpressions() throws Exception {
    Map<String, Object> doc = new Yaml().load(Files.readString(ALERTS));
    List<String> exprs = new ArrayList<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) doc.get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        exprs.add(String.valueOf(rule.get("expr")));
      }
    }
    return exprs;
  }

  /** The metric names of a Prometheus text exposition. */
  private static Set<String> names(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        int end = line.indexOf('{');
        names.add(line.substring(0, end >= 0 ? end : line.indexOf(' ')));
      }
    }
    return names;
  }

  private static void poison(Stack stack, String topic) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      producer.send(new ProducerRecord<>(topic, "poison".getBytes(StandardCharsets.UTF_8),
          "not an Avro record".getBytes(StandardCharsets.UTF_8))).get();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot produce to " + topic, e);
    }
  }
}
