package dev.rstt.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.gateway.support.AppSocket;
import dev.rstt.gateway.support.GatewayInstance;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** With no Kafka to acknowledge SessionStarted, a connecting app gets an error and 1013 with a retry hint. */
class KafkaUnreachableIT {

  @Test
  void shouldClose1013WhenKafkaCannotAcknowledgeTheSessionStart() throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort(); // closed again: nothing listens there
    }
    try (GatewayInstance gw = GatewayInstance.start("127.0.0.1:" + deadPort, "unreachable.", "nokafka",
        Map.of("rstt.gateway.kafka-connect-timeout", "1s", "rstt.topics.create", "false",
            "spring.kafka.admin.fail-fast", "false"), false)) {
      AppSocket app = AppSocket.connect(gw.listenUri("codec=pcm16&sample_rate=16000"), GatewayInstance.token("k"));
      assertThat(app.awaitClose()).isEqualTo(1013);
      JsonNode last = JsonMapper.builder().build().readTree(app.messages().get(app.messages().size() - 1));
      assertThat(last.path("type").asString()).isEqualTo("error");
      assertThat(last.path("code").asString()).isEqualTo("kafka_unavailable");
      assertThat(last.path("retry_after_seconds").asInt()).isPositive();
      assertThat(app.messages()).noneMatch(m -> m.contains("session_started"));
      assertThat(gw.metrics().count("rstt.gateway.rejections", "reason", "kafka_unavailable")).isEqualTo(1);
    }
  }
}
