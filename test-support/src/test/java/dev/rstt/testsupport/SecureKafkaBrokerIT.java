package dev.rstt.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The secure broker refuses what it should: plaintext, TLS without SASL, a wrong password, a missing ACL. */
class SecureKafkaBrokerIT {

  static SecureKafkaBroker broker;

  @BeforeAll
  static void start() throws Exception {
    broker = SecureKafkaBroker.start(Files.createTempDirectory(Path.of("target"), "secure-broker"));
    broker.createTopics(1, List.of("granted", "other"));
  }

  @AfterAll
  static void stop() throws Exception {
    broker.close();
  }

  private static Admin client(Map<String, Object> props) {
    Properties p = new Properties();
    p.putAll(props);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 6000);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
    return Admin.create(p);
  }

  @Test
  void shouldRefuseAnAnonymousPlaintextClient() {
    try (Admin anonymous = client(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      assertThatThrownBy(() -> anonymous.listTopics().names().get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);
    }
  }

  @Test
  void shouldRefuseTlsWithoutSasl() {
    Map<String, Object> tlsOnly = new HashMap<>(broker.adminProperties());
    tlsOnly.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
    tlsOnly.remove("sasl.mechanism");
    tlsOnly.remove("sasl.jaas.config");
    try (Admin anonymous = client(tlsOnly)) {
      assertThatThrownBy(() -> anonymous.listTopics().names().get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);
    }
  }

  @Test
  void shouldRefuseAWrongPassword() {
    broker.createScramUser("mallory");
    try (Admin wrong = client(broker.scramProperties("mallory", "not-the-password"))) {
      assertThatThrownBy(() -> wrong.listTopics().names().get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(SaslAuthenticationException.class);
    }
  }

  @Test
  void shouldAllowOnlyWhatAnAclGrants() throws Exception {
    String password = broker.createScramUser("writer");
    broker.grant(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, "granted", PatternType.LITERAL),
        new AccessControlEntry("User:writer", "*", AclOperation.WRITE, AclPermissionType.ALLOW))));
    Map<String, Object> props = new HashMap<>(broker.scramProperties("writer", password));
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
        new StringSerializer())) {
      assertThat(producer.send(new ProducerRecord<>("granted", "k", "v")).get(30, TimeUnit.SECONDS).offset())
          .isZero();
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>("other", "k", "v")).get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(TopicAuthorizationException.class);
    }
  }
}
