package dev.rstt.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rstt.common.kafka.AclPlan;
import dev.rstt.common.kafka.TopicPlan;
import dev.rstt.common.kafka.TopicProvisioner;
import dev.rstt.testsupport.SecureKafkaBroker;
import dev.rstt.testsupport.ToneScript;
import dev.rstt.tools.BenchCli;
import dev.rstt.tools.KafkaSetupCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * Kafka as production should run it (README "Security"): a broker whose every listener is SASL over TLS, with the
 * standard authorizer and no access where no ACL grants it. The operator creates the topics and the ACLs of
 * {@link AclPlan} with {@code kafka-setup}; every service runs under a principal of its own (SCRAM-SHA-512), configured
 * only through Spring's standard properties as environment variables, with topic creation off. A tone-word session
 * goes through every service (gateway, STT worker, a Deepgram outage through the batch worker, merger, back to the
 * gateway) and every dead-letter producer is exercised; then each principal is shown to be held to its ACLs, and
 * anonymous or plaintext clients to get nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaSecurityIT {

  private static final List<String> SERVICES = List.of("ingest-gateway", "stt-worker", "batch-worker",
      "transcript-merger", "tools");

  private SecureKafkaBroker broker;
  private Stack stack;
  private final Map<String, String> passwords = new HashMap<>();
  private ServiceProcess gateway;

  @BeforeAll
  void start() throws Exception {
    Path dir = Files.createDirectories(ServiceProcess.ROOT.resolve("e2e-tests/target/secure-kafka-"
        + System.nanoTime()));
    broker = SecureKafkaBroker.start(dir);
    // the operator: topics and ACLs, with the admin's client config file
    Path adminConfig = dir.resolve("admin.properties");
    Properties admin = new Properties();
    broker.adminProperties().forEach((k, v) -> admin.put(k, v.toString()));
    try (var out = Files.newBufferedWriter(adminConfig)) {
      admin.store(out, "the operator's client config");
    }
    Properties users = new Properties();
    for (String service : SERVICES) {
      passwords.put(service, SecureKafkaBroker.randomPassword());
      users.put(principalName(service), passwords.get(service));
    }
    Path usersFile = dir.resolve("scram-users.properties");
    try (var out = Files.newBufferedWriter(usersFile)) {
      users.store(out, "the services' SCRAM-SHA-512 credentials");
    }
    ByteArrayOutputStream setupOut = new ByteArrayOutputStream();
    int code = KafkaSetupCli.run(new String[] {"--kafka-config", adminConfig.toString(), "--partitions", "4",
        "--scram-credentials", usersFile.toString()}, new PrintStream(setupOut, true, StandardCharsets.UTF_8));
    assertThat(code).as("kafka-setup: %s", setupOut).isZero();
    assertThat(setupOut.toString(StandardCharsets.UTF_8)).contains("SCRAM-SHA-512 credentials set for");
    for (String service : SERVICES) {
      broker.awaitScramLogin(principalName(service), passwords.get(service));
    }
    Map<String, Map<String, String>> env = new HashMap<>();
    for (String service : SERVICES) {
      env.put(service, springKafkaEnv(service));
    }
    stack = Stack.on(broker.bootstrapServers(), env);
    stack.startMerger();
    stack.startSttWorker();
    stack.startBatchWorker();
    gateway = stack.startGateway();
  }

  @AfterAll
  void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private static String principalName(String service) {
    return principal(service).substring("User:".length());
  }

  private static String principal(String service) {
    AclPlan.Principals p = AclPlan.Principals.defaults();
    return switch (service) {
      case "ingest-gateway" -> p.gateway();
      case "stt-worker" -> p.sttWorker();
      case "batch-worker" -> p.batchWorker();
      case "transcript-merger" -> p.merger();
      default -> p.tools();
    };
  }

  /** What an operator sets for a service (README "Security"): Spring's standard Kafka properties, as variables. */
  private Map<String, String> springKafkaEnv(String service) {
    return Map.of(
        "SPRING_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
        "SPRING_KAFKA_SSL_TRUST_STORE_LOCATION", "file:" + broker.caCertificate(),
        "SPRING_KAFKA_SSL_TRUST_STORE_TYPE", "PEM",
        "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM", SecureKafkaBroker.SCRAM,
        "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", SecureKafkaBroker.scramJaas(principalName(service),
            passwords.get(service)),
        "RSTT_TOPICS_CREATE", "false");
  }

  private Map<String, Object> client(String service) {
    Map<String, Object> props = new HashMap<>(broker.scramProperties(principalName(service), passwords.get(service)));
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    return props;
  }

  @Test
  void shouldRunASessionThroughEveryServiceAndEveryDeadLetterProducer() throws Exception {
    ToneScript script = ToneScript.numbered(16000, 0, 40, 1, 300);
    AppSession app = AppSession.open(gateway.httpUrl(), Stack.token("secure"), 16000);
    CompletableFuture<Void> streaming = app.stream(script, 1.0, 100);
    await().atMost(Duration.ofSeconds(60)).until(() -> app.wordsHeard() >= 3);
    // Deepgram live fails for a while: audio goes through audio.degraded and the batch worker
    stack.faults("{\"live\":{\"close_after_ms\":100,\"close_code\":1011,\"handshake_status\":503}}");
    Stack.awaitStatus(app, "stt_degraded", Duration.ofSeconds(30));
    await().atMost(Duration.ofSeconds(30)).until(() -> stack.emulatorStats().path("live_refused").asInt() >= 1);
    stack.healthy();
    Stack.awaitStatus(app, "stt_recovered", Duration.ofSeconds(90));
    streaming.get(3, TimeUnit.MINUTES);
    app.stop();
    assertThat(app.awaitClose(Duration.ofSeconds(120))).as("close code after stop").isEqualTo(1000);
    TranscriptCheck.assertEveryWordOnceInOrder(script.words(), app.segments());
    assertThat(app.statuses()).containsSubsequence("ready", "stt_degraded", "stt_recovered");
    JsonNode stored = stack.transcript(gateway, app.sessionId(), "secure");
    assertThat(stored.path("complete").asBoolean()).isTrue();
    List<JsonNode> storedSegments = new ArrayList<>();
    stored.path("segments").forEach(storedSegments::add);
    TranscriptCheck.assertEveryWordOnceInOrder(script.words(), storedSegments);

    // every consumer's dead-letter producer works under its principal: a poison record on each input topic, written
    // by the principal that may write there, reaches <topic>-dlt
    AclPlan.Names names = AclPlan.Names.defaults();
    poison("ingest-gateway", names.audioFrames());      // stt-worker's own producer
    poison("stt-worker", names.audioDegraded());        // batch-worker's Spring template
    poison("batch-worker", names.transcriptEvents());   // the merger's Streams sink
    poison("transcript-merger", names.sessionUpdates()); // the gateway's listener container's error handler
    for (String topic : List.of(names.audioFrames(), names.audioDegraded(), names.transcriptEvents(),
        names.sessionUpdates())) {
      assertThat(readAsAdmin(topic + "-dlt")).as("dead letters of %s", topic)
          .anySatisfy(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("poison " + topic));
    }
  }

  private void poison(String writer, String topic) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(client(writer), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, "01POISON000000000000000000".getBytes(StandardCharsets.UTF_8),
          ("poison " + topic).getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
    }
  }

  private List<ConsumerRecord<byte[], byte[]>> readAsAdmin(String topic) {
    Map<String, Object> props = new HashMap<>(broker.adminProperties());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      await("records on " + topic).atMost(Duration.ofSeconds(60)).until(() -> {
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        return !records.isEmpty();
      });
    }
    return records;
  }

  @Test
  void shouldLetTheToolsPrincipalMeasureLagButNotWrite() throws Exception {
    Properties tools = new Properties();
    tools.putAll(client("tools"));
    await("every service group seen by the bench's lag").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(BenchCli.lag(tools)).containsKeys("stt-worker", "batch-worker", "transcript-merger")
            .allSatisfy((group, lag) -> assertThat(lag).as(group).isNotNegative()));
    // it may write nowhere: its idempotent producer is refused its producer id
    assertThatThrownBy(() -> poison("tools", "audio.frames")).hasCauseInstanceOf(AuthorizationException.class);
  }

  @Test
  void shouldNotLetTheGatewayReadTranscriptsNorForgeUpdates() {
    Map<String, Object> props = client("ingest-gateway");
    props.put(ConsumerConfig.GROUP_ID_CONFIG, AclPlan.GATEWAY_GROUP_PREFIX + "attacker");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.assign(List.of(new TopicPartition("transcript.events", 0)));
      consumer.seekToBeginning(List.of(new TopicPartition("transcript.events", 0)));
      assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10)))
          .isInstanceOf(TopicAuthorizationException.class).hasMessageContaining("transcript.events");
    }
    for (String topic : List.of("session.updates", "transcript.events", "audio.degraded")) {
      assertThatThrownBy(() -> poison("ingest-gateway", topic)).as("the gateway writing %s", topic)
          .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
    }
    // a worker cannot forge updates either, nor join another service's group
    assertThatThrownBy(() -> poison("stt-worker", "session.updates"))
        .hasCauseInstanceOf(TopicAuthorizationException.class);
    Map<String, Object> worker = client("stt-worker");
    worker.put(ConsumerConfig.GROUP_ID_CONFIG, "transcript-merger");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(worker, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.subscribe(List.of("audio.frames"));
      assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10))).isInstanceOf(GroupAuthorizationException.class);
    }
  }

  @Test
  void shouldRefuseAnonymousAndPlaintextClients() {
    Map<String, Object> plaintext = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 8000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000);
    Map<String, Object> tlsWithoutSasl = new HashMap<>(plaintext);
    tlsWithoutSasl.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
    tlsWithoutSasl.put("ssl.truststore.type", "PEM");
    tlsWithoutSasl.put("ssl.truststore.location", broker.caCertificate().toString());
    for (Map<String, Object> anonymous : List.of(plaintext, tlsWithoutSasl)) {
      try (Admin admin = Admin.create(anonymous)) {
        assertThatThrownBy(() -> admin.listTopics().names().get(15, TimeUnit.SECONDS))
            .as("anonymous client %s", anonymous.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                "PLAINTEXT"))
            .isInstanceOf(ExecutionException.class);
      }
    }
  }

  @Test
  void shouldTellAServiceThatMayNotCreateTopicsWhatToDo() {
    TopicProvisioner provisioner = new TopicProvisioner(client("ingest-gateway"),
        List.of(new TopicPlan.Wanted("not-yet-created", 1)), (short) 1, Duration.ofSeconds(20), true);
    assertThatThrownBy(provisioner::provision).hasMessageContaining("Not authorized to create topic not-yet-created")
        .hasMessageContaining("rstt.topics.create=false");
  }
}
