package dev.rstt.tools;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The Kafka client settings of every tool that talks to Kafka (bench, chaos, kafka-setup): a bootstrap address and,
 * for a secured broker, a client properties file in Kafka's own format (the one {@code kafka-*.sh --command-config}
 * reads: {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.truststore.*}...),
 * named by {@code --kafka-config FILE} or by the environment variable {@code KAFKA_CLIENT_CONFIG}. A bootstrap
 * address given on the command line wins over one in the file.
 */
public final class KafkaClientConfig {

  public static final String ENV = "KAFKA_CLIENT_CONFIG";

  private KafkaClientConfig() {
  }

  /**
   * @param bootstrap {@code --kafka host:port}, or null to take {@code bootstrap.servers} from the file
   * @param configFile {@code --kafka-config FILE}, or null for {@code KAFKA_CLIENT_CONFIG} (or nothing)
   * @param env the environment
   */
  public static Properties load(String bootstrap, String configFile, Map<String, String> env) {
    Properties props = new Properties();
    String file = configFile != null ? configFile : env.get(ENV);
    if (file != null && !file.isBlank()) {
      Path path = Path.of(file);
      try (Reader in = Files.newBufferedReader(path)) {
        props.load(in);
      } catch (IOException e) {
        throw new IllegalArgumentException("Cannot read the Kafka client config " + path + " (--kafka-config / "
            + ENV + "): " + e.getMessage(), e);
      }
    }
    if (bootstrap != null && !bootstrap.isBlank()) {
      props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    }
    if (!props.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new IllegalArgumentException("No Kafka bootstrap address: give --kafka host:port or bootstrap.servers in "
          + "the client config file");
    }
    return props;
  }

  /** From parsed {@code --kafka} and {@code --kafka-config} options and the process environment. */
  public static Properties fromOptions(Map<String, String> opts) {
    return load(opts.get("kafka"), opts.get("kafka-config"), System.getenv());
  }
}
