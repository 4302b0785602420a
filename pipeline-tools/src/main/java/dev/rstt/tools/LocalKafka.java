package dev.rstt.tools;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Apache Kafka broker in KRaft mode (combined broker and controller), run from the Maven
 * Central artifacts with its data in a local folder that survives restarts. The storage is formatted on the
 * first start only.
 *
 * <p>Environment: {@code KAFKA_PORT} (9092; the controller listens on the next port),
 * {@code KAFKA_DATA_DIR} ({@code .pipeline/kafka}), and {@code KAFKA_CFG_<NAME>} for any broker setting
 * ({@code KAFKA_CFG_NUM_IO_THREADS=4} sets {@code num.io.threads=4}).
 */
public final class LocalKafka {

  private LocalKafka() {
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(System.getenv().getOrDefault("KAFKA_PORT", "9092"));
    if (port < 1 || port > 65534) {
      throw new IllegalArgumentException("KAFKA_PORT=" + port + " is not a usable port");
    }
    Path dir = Path.of(System.getenv().getOrDefault("KAFKA_DATA_DIR", ".pipeline/kafka")).toAbsolutePath();
    Path logs = dir.resolve("logs");
    Files.createDirectories(logs);
    Path config = dir.resolve("server.properties");
    Map<String, String> settings = serverProperties(port, logs);
    settings.putAll(overrides(System.getenv()));
    Files.writeString(config, render(settings));

    if (!Files.exists(logs.resolve("meta.properties"))) {
      String clusterId = Uuid.randomUuid().toString();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int code = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", config.toString()},
          new PrintStream(out, true, StandardCharsets.UTF_8));
      if (code != 0) {
        throw new IllegalStateException("Formatting " + logs + " failed: " + out.toString(StandardCharsets.UTF_8));
      }
      System.out.println("local-kafka: formatted " + logs + " (cluster " + clusterId + ")");
    }
    System.out.println("local-kafka: starting KRaft broker on 127.0.0.1:" + port + ", data in " + logs);
    kafka.Kafka.main(new String[] {config.toString()});
  }

  static Map<String, String> serverProperties(int port, Path logs) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + (port + 1));
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + (port + 1));
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logs.toString());
    p.put("num.partitions", "12");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "12");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "12");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    p.put("log.retention.hours", "24");
    // The controller appends a no-op record to the metadata log every 500 ms by default, so that followers see a
    // live leader; a single combined node has no follower, and each append wakes the raft, controller and metadata
    // threads (BENCHMARKS.md "Idle cost").
    p.put("metadata.max.idle.interval.ms", "5000");
    return p;
  }

  /** Broker settings from {@code KAFKA_CFG_*} variables: the rest of the name, lower case, '_' read as '.'. */
  static Map<String, String> overrides(Map<String, String> env) {
    Map<String, String> r = new LinkedHashMap<>();
    env.forEach((name, value) -> {
      if (name.startsWith("KAFKA_CFG_") && name.length() > "KAFKA_CFG_".length()) {
        r.put(name.substring("KAFKA_CFG_".length()).toLowerCase(java.util.Locale.ROOT).replace('_', '.'), value);
      }
    });
    return r;
  }

  static String render(Map<String, String> props) {
    return props.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining("\n", "# written by pipeline-tools LocalKafka\n", "\n"));
  }
}
