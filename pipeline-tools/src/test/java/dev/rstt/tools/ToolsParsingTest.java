package dev.rstt.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The text the tools read from other programs and from the environment. */
class ToolsParsingTest {

  @Test
  void liveHeapIsTheTotalOfTheClassHistogram() {
    String histogram = """
        17972:
         num     #instances         #bytes  class name (module)
        -------------------------------------------------------
           1:        120131       25894520  [B (java.base@17.0.16)
           2:         28081        5712344  [Ljava.lang.Object; (java.base@17.0.16)
        5674:             1             16  tools.jackson.databind.util.NameTransformer$NopTransformer
        Total        574305       68818624
        """;
    assertThat(BenchCli.liveHeapKib(histogram)).isEqualTo(68818624L / 1024);
  }

  @Test
  void outputWithoutATotalIsAnError() {
    assertThatThrownBy(() -> BenchCli.liveHeapKib("4242:\nCould not find any process"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4242:");
  }

  @Test
  void brokerSettingsFromKafkaCfgVariables() {
    assertThat(LocalKafka.overrides(Map.of("KAFKA_CFG_NUM_IO_THREADS", "2", "KAFKA_CFG_", "x", "HOME", "/root",
        "KAFKA_PORT", "9092"))).containsExactly(Map.entry("num.io.threads", "2"));
  }

  @Test
  void kafkaClientConfigComesFromTheFileNamedByTheOptionOrTheEnvironment(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("client.properties");
    Files.writeString(file, """
        bootstrap.servers=kafka:9093
        security.protocol=SASL_SSL
        sasl.mechanism=SCRAM-SHA-512
        sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="rstt-tools" password="p";
        """);
    Properties fromEnv = KafkaClientConfig.load(null, null, Map.of(KafkaClientConfig.ENV, file.toString()));
    assertThat(fromEnv).containsEntry("bootstrap.servers", "kafka:9093").containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"rstt-tools\" password=\"p\";");
    Properties fromOption = KafkaClientConfig.load("127.0.0.1:19092", file.toString(), Map.of());
    assertThat(fromOption).containsEntry("bootstrap.servers", "127.0.0.1:19092")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    assertThat(KafkaClientConfig.load("127.0.0.1:9092", null, Map.of())).containsOnlyKeys("bootstrap.servers");
  }

  @Test
  void kafkaClientConfigNamesWhatIsMissing(@TempDir Path dir) {
    assertThatThrownBy(() -> KafkaClientConfig.load(null, null, Map.of()))
        .hasMessageContaining("--kafka host:port");
    assertThatThrownBy(() -> KafkaClientConfig.load(null, dir.resolve("absent.properties").toString(), Map.of()))
        .hasMessageContaining("absent.properties").hasMessageContaining("KAFKA_CLIENT_CONFIG");
  }

  @Test
  void kafkaSetupPrintsTopicAndAclCommands() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = KafkaSetupCli.run(KafkaSetupCli.parse(new String[] {"--print", "--kafka", "kafka:9093",
        "--kafka-config", "admin.properties", "--principals", "ingest-gateway=User:gw-1"}),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(code).isZero();
    assertThat(out).contains("kafka-topics.sh --bootstrap-server kafka:9093 --command-config admin.properties "
        + "--create --if-not-exists --topic audio.frames --partitions 12 --replication-factor 1\n")
        .contains("--topic audio.frames-dlt --partitions 1 ")
        .contains("--add --allow-principal User:gw-1 --operation Write --topic audio.frames\n")
        .contains("--allow-principal User:stt-worker --operation Read --group stt-worker\n")
        .doesNotContain("User:ingest-gateway");
    assertThatThrownBy(() -> KafkaSetupCli.principals(Map.of("principals", "gateway=User:x")))
        .hasMessageContaining("ingest-gateway");
  }

  @Test
  void kafkaSetupRefusesAShortScramPasswordBeforeTouchingKafka(@TempDir Path dir) throws Exception {
    Path users = dir.resolve("users.properties");
    Files.writeString(users, "ingest-gateway=0123456789abcdef0123\nstt-worker=short\n");
    Properties unreachable = KafkaClientConfig.load("127.0.0.1:1", null, Map.of());
    assertThatThrownBy(() -> KafkaSetupCli.scramUsers(unreachable, users))
        .hasMessageContaining("stt-worker").hasMessageContaining("shorter than 16");
  }

  @Test
  void theReadmeShowsExactlyWhatKafkaSetupPrints() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    KafkaSetupCli.run(new String[] {"--print"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("--group '*'").doesNotContain("--group *");
    String readme = Files.readString(Path.of("..", "README.md"));
    assertThat(readme).as("README \"Security\": the output of kafka-setup --print").contains("```bash\n" + printed + "```");
  }
}
