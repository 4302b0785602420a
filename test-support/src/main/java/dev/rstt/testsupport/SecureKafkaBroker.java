package dev.rstt.testsupport;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;

/**
 * A real KRaft broker (in process, combined broker and controller) as production should run one: every listener
 * {@code SASL_SSL}, the standard authorizer with no access where no ACL grants it, and no anonymous principal
 * anywhere. TLS material is generated for the run ({@link TlsMaterial}).
 *
 * <ul>
 *   <li>The client listener {@code SECURE} takes {@code SCRAM-SHA-512} (the services; users made with
 *       {@link #createScramUser}) and {@code PLAIN} for the two principals of the broker's own JAAS configuration:
 *       {@code broker} (inter-broker) and {@code admin} (the operator), both super users.
 *   <li>The controller listener takes {@code PLAIN} for {@code broker} only.
 * </ul>
 *
 * <p>Unlike {@link KafkaBroker#shared()}, one of these is started per test class that needs it and closed by it.
 */
public final class SecureKafkaBroker implements AutoCloseable {

  public static final String LISTENER = "SECURE";
  public static final String CONTROLLER_LISTENER = "CONTROLLER";
  /** The operator's principal: a super user, over PLAIN. */
  public static final String ADMIN = "admin";
  public static final String SCRAM = "SCRAM-SHA-512";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final KafkaClusterTestKit cluster;
  private final TlsMaterial tls;
  private final String adminPassword;

  private SecureKafkaBroker(KafkaClusterTestKit cluster, TlsMaterial tls, String adminPassword) {
    this.cluster = cluster;
    this.tls = tls;
    this.adminPassword = adminPassword;
  }

  /** Generates TLS material under {@code dir}, then formats and starts the broker; waits until it is ready. */
  public static SecureKafkaBroker start(Path dir) {
    Exit.setHaltProcedure((status, message) -> { });
    Exit.setExitProcedure((status, message) -> { });
    TlsMaterial tls = TlsMaterial.generate(dir.resolve("tls"));
    String brokerPassword = randomPassword();
    String adminPassword = randomPassword();
    String plainUsers = "user_broker=\"" + brokerPassword + "\"";
    String brokerLogin = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"broker\" "
        + "password=\"" + brokerPassword + "\" ";
    String secure = "listener.name." + LISTENER.toLowerCase() + ".";
    String controller = "listener.name." + CONTROLLER_LISTENER.toLowerCase() + ".";
    try {
      Files.createDirectories(dir);
      KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
          .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
          .setBaseDirectory(Files.createTempDirectory(dir, "kraft"))
          .setBrokerListenerName(new ListenerName(LISTENER))
          .setControllerListenerName(new ListenerName(CONTROLLER_LISTENER))
          .build());
      Map<String, Object> config = new HashMap<>();
      // The test kit knows only PLAINTEXT and SASL_PLAINTEXT listeners, but lets its listener map be replaced.
      config.put("listener.security.protocol.map", LISTENER + ":SASL_SSL," + CONTROLLER_LISTENER + ":SASL_SSL");
      // TLS on both listeners; the broker trusts the same authority when it is the client (inter-broker, controller)
      config.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
      config.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, tls.serverKeyStore().toString());
      config.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, tls.serverKeyStorePassword());
      config.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, tls.serverKeyStorePassword());
      config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
      config.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, tls.caCertificate().toString());
      // SASL: services on SCRAM, the broker itself and the operator on PLAIN
      config.put("sasl.enabled.mechanisms", "PLAIN," + SCRAM);
      config.put(secure + "sasl.enabled.mechanisms", "PLAIN," + SCRAM);
      config.put(controller + "sasl.enabled.mechanisms", "PLAIN");
      config.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
      config.put("sasl.mechanism.controller.protocol", "PLAIN");
      config.put(secure + "plain.sasl.jaas.config", brokerLogin + plainUsers + " user_" + ADMIN + "=\""
          + adminPassword + "\";");
      config.put(secure + SCRAM.toLowerCase() + ".sasl.jaas.config",
          "org.apache.kafka.common.security.scram.ScramLoginModule required;");
      config.put(controller + "plain.sasl.jaas.config", brokerLogin + plainUsers + ";");
      // Authorization: nothing is allowed that no ACL allows
      config.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
      config.put("allow.everyone.if.no.acl.found", "false");
      config.put("super.users", "User:broker;User:" + ADMIN);
      // as KafkaBroker's in-process broker
      config.put("group.initial.rebalance.delay.ms", "0");
      config.put("offsets.topic.replication.factor", "1");
      config.put("offsets.topic.num.partitions", "4");
      config.put("transaction.state.log.replication.factor", "1");
      config.put("transaction.state.log.min.isr", "1");
      config.put("transaction.state.log.num.partitions", "4");
      config.put("default.replication.factor", "1");
      config.put("min.insync.replicas", "1");
      config.put("auto.create.topics.enable", "false");
      config.forEach(builder::setConfigProp);
      KafkaClusterTestKit cluster = builder.build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new SecureKafkaBroker(cluster, tls, adminPassword);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot start the secure in-process KRaft broker", e);
    }
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** The certificate clients must trust (PEM). */
  public Path caCertificate() {
    return tls.caCertificate();
  }

  /** Client properties of the operator ({@code admin}, a super user, PLAIN over TLS). */
  public Map<String, Object> adminProperties() {
    return clientProperties("PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
        + ADMIN + "\" password=\"" + adminPassword + "\";");
  }

  /** Client properties of a SCRAM user (over TLS). */
  public Map<String, Object> scramProperties(String user, String password) {
    return clientProperties(SCRAM, scramJaas(user, password));
  }

  public static String scramJaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
        + password + "\";";
  }

  private Map<String, Object> clientProperties(String mechanism, String jaas) {
    Map<String, Object> p = new HashMap<>();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SASL_SSL.name);
    p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
    p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, tls.caCertificate().toString());
    p.put(SaslConfigs.SASL_MECHANISM, mechanism);
    p.put(SaslConfigs.SASL_JAAS_CONFIG, jaas);
    return p;
  }

  /** An admin client of the operator. */
  public Admin admin() {
    Properties p = new Properties();
    p.putAll(adminProperties());
    return Admin.create(p);
  }

  /**
   * Creates (or resets) a SCRAM-SHA-512 user with a random password and waits until the broker accepts it; returns
   * the password.
   */
  public String createScramUser(String user) {
    String password = randomPassword();
    try (Admin admin = admin()) {
      admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password))).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot create SCRAM user " + user, e);
    }
    awaitScramLogin(user, password);
    return password;
  }

  /** Waits until the broker accepts this SCRAM user (credentials reach the broker through the metadata log). */
  public void awaitScramLogin(String user, String password) {
    Properties p = new Properties();
    p.putAll(scramProperties(user, password));
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000);
    await("SCRAM user " + user + " accepted").atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
      try (Admin as = Admin.create(p)) {
        return as.describeCluster().clusterId().get(5, TimeUnit.SECONDS) != null;
      }
    });
  }

  /** A random password (hex, 36 characters). */
  public static String randomPassword() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** Creates the ACLs (as the operator). */
  public void grant(Collection<AclBinding> acls) {
    try (Admin admin = admin()) {
      admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot create ACLs", e);
    }
  }

  /** Creates topics (replication 1) as the operator. */
  public void createTopics(int partitions, Collection<String> names) {
    try (Admin admin = admin()) {
      List<NewTopic> topics = new ArrayList<>();
      names.forEach(name -> topics.add(new NewTopic(name, partitions, (short) 1)));
      admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Cannot create topics " + names, e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException("Cannot create topics " + names, e);
    }
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
