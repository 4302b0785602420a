package dev.rstt.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The real KRaft broker every Kafka test in this project talks to. One per test JVM, started on first use:
 *
 * <ul>
 *   <li>{@code KAFKA_BOOTSTRAP} set: that external broker;
 *   <li>{@code -Dtests.kafka=testcontainers}: an {@code apache/kafka:4.1.2} container; where no Docker engine
 *       can start it (no engine, or images it needs neither present nor pullable) the calling test is skipped
 *       with the reason (an assumption failure), decided in seconds by {@link DockerProbe}. Where no registry
 *       is reachable: {@code TESTCONTAINERS_RYUK_DISABLED=true}, {@code TESTCONTAINERS_HOST_OVERRIDE=localhost}
 *       and the locally built broker image ({@code docker/local-images.sh kafka});
 *   <li>otherwise: an in-process single-node KRaft cluster ({@link KafkaClusterTestKit}, combined
 *       broker+controller) with replication factor 1 and no initial rebalance delay.
 * </ul>
 *
 * <p>The brokers started here create no topic on demand ({@code auto.create.topics.enable=false}), as in
 * production: a topic is there only once created.
 */
public final class KafkaBroker {

  public enum Mode { EXTERNAL, TESTCONTAINERS, IN_PROCESS }

  private static final String REFUSING_MAX_BYTES = "64";

  /** The image of the Testcontainers broker (docker/local-images.sh builds one under this name where none can be pulled). */
  public static final String CONTAINER_IMAGE = "apache/kafka:4.1.2";
  private static final Duration PULL_TIMEOUT = Duration.ofSeconds(60);

  private static KafkaBroker shared;
  /** Why Testcontainers cannot be used here ("" when it can), once probed. */
  private static String unusableDocker;

  private final Mode mode;
  private final String bootstrapServers;
  private final AutoCloseable resource;

  private KafkaBroker(Mode mode, String bootstrapServers, AutoCloseable resource) {
    this.mode = mode;
    this.bootstrapServers = bootstrapServers;
    this.resource = resource;
  }

  /** The broker for this JVM, started on the first call. */
  public static synchronized KafkaBroker shared() {
    if (shared == null) {
      shared = start();
      KafkaBroker started = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(started::closeQuietly, "kafka-broker-shutdown"));
    }
    return shared;
  }

  static Mode configuredMode() {
    String external = System.getenv("KAFKA_BOOTSTRAP");
    if (external != null && !external.isBlank()) {
      return Mode.EXTERNAL;
    }
    if ("testcontainers".equalsIgnoreCase(System.getProperty("tests.kafka", ""))) {
      return Mode.TESTCONTAINERS;
    }
    return Mode.IN_PROCESS;
  }

  private static KafkaBroker start() {
    Mode mode = configuredMode();
    switch (mode) {
      case EXTERNAL:
        return new KafkaBroker(mode, System.getenv("KAFKA_BOOTSTRAP").strip(), () -> { });
      case TESTCONTAINERS:
        return startContainer();
      default:
        return startInProcess();
    }
  }

  /**
   * The Testcontainers broker, or an assumption failure (the test is skipped, with the reason) when the engine is
   * absent or cannot start it: decided by {@link DockerProbe} in seconds, never by a Testcontainers start that
   * would retry pulls for minutes. The reason is kept, so every later test of this JVM skips at once.
   */
  private static KafkaBroker startContainer() {
    String problem = testcontainersProblem();
    Assumptions.assumeTrue(problem.isEmpty(), () -> "tests.kafka=testcontainers, but " + problem + ": skipping");
    KafkaContainer container = new KafkaContainer(CONTAINER_IMAGE)
        .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
        .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false") // as the in-process and compose brokers
        .withStartupTimeout(Duration.ofMinutes(2));
    container.start();
    return new KafkaBroker(Mode.TESTCONTAINERS, container.getBootstrapServers(), container::stop);
  }

  /** Why Testcontainers cannot start the broker here ("" when it can); probed once per JVM. */
  static synchronized String testcontainersProblem() {
    if (unusableDocker == null) {
      unusableDocker = DockerProbe.problem(CONTAINER_IMAGE, System.getenv(), PULL_TIMEOUT).orElse("");
    }
    return unusableDocker;
  }

  private static KafkaBroker startInProcess() {
    // The broker is stopped by a shutdown hook while clients may still be closing; a broker thread that then
    // fails to write a checkpoint marks its log dir offline and asks Kafka's Exit to halt the JVM, which would
    // fail a test fork after every test passed. Inside a test JVM, Kafka may not end the JVM.
    Exit.setHaltProcedure((status, message) -> { });
    Exit.setExitProcedure((status, message) -> { });
    try {
      KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(
          new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
          .setConfigProp("group.initial.rebalance.delay.ms", "0")
          .setConfigProp("offsets.topic.replication.factor", "1")
          .setConfigProp("offsets.topic.num.partitions", "4")
          .setConfigProp("transaction.state.log.replication.factor", "1")
          .setConfigProp("transaction.state.log.min.isr", "1")
          .setConfigProp("transaction.state.log.num.partitions", "4")
          .setConfigProp("default.replication.factor", "1")
          .setConfigProp("min.insync.replicas", "1")
          .setConfigProp("auto.create.topics.enable", "false")
          .setConfigProp("log.flush.interval.messages", Long.toString(Long.MAX_VALUE))
          .build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new KafkaBroker(Mode.IN_PROCESS, cluster.bootstrapServers(), cluster);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot start the in-process KRaft broker", e);
    }
  }

  public Mode mode() {
    return mode;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Client properties pointing at this broker. */
  public Map<String, Object> clientProperties() {
    Map<String, Object> props = new HashMap<>();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return props;
  }

  public Admin admin() {
    Properties props = new Properties();
    props.putAll(clientProperties());
    return Admin.create(props);
  }

  /** Creates topics (replication 1) unless they exist. */
  public void createTopics(int partitions, String... names) {
    try (Admin admin = admin()) {
      List<NewTopic> topics = new ArrayList<>();
      for (String name : names) {
        topics.add(new NewTopic(name, partitions, (short) 1));
      }
      admin.createTopics(topics).values().forEach((name, future) -> {
        try {
          future.get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("Cannot create topic " + name, e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      });
    }
  }

  /**
   * Makes the broker refuse every write to {@code topic} (its {@code max.message.bytes} below any record's size: each
   * produce fails with RecordTooLargeException), or accept writes again (the override removed), and returns once the
   * broker applies it (the alteration is committed by the controller first and reaches the broker's topic config a
   * moment later; a write in between would still be taken). Since Kafka 3.7 a {@code min.insync.replicas} above the
   * replica count no longer refuses writes, so that cannot serve.
   */
  public void setTopicWritable(String topic, boolean writable) {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    AlterConfigOp op = new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, REFUSING_MAX_BYTES),
        writable ? AlterConfigOp.OpType.DELETE : AlterConfigOp.OpType.SET);
    try (Admin admin = admin()) {
      admin.incrementalAlterConfigs(Map.of(resource, List.of(op))).all().get(15, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (refusing(admin, resource) == writable) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("The broker did not apply max.message.bytes of " + topic + " in 15 s");
        }
        Thread.sleep(20); // polling the broker's view of the config, a condition
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Cannot alter the config of " + topic, e);
    }
  }

  private static boolean refusing(Admin admin, ConfigResource resource)
      throws InterruptedException, ExecutionException, TimeoutException {
    Config config = admin.describeConfigs(List.of(resource)).all().get(15, TimeUnit.SECONDS).get(resource);
    ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
    return entry != null && REFUSING_MAX_BYTES.equals(entry.value());
  }

  /** A topic-name prefix unique to one test, so tests sharing the JVM's broker never see each other's records. */
  public static String uniquePrefix(String testName) {
    return testName.replaceAll("[^A-Za-z0-9]", "") + "-" + UUID.randomUUID().toString().substring(0, 8) + ".";
  }

  private void closeQuietly() {
    try {
      resource.close();
    } catch (Exception ignored) {
      // JVM is exiting
    }
  }
}
