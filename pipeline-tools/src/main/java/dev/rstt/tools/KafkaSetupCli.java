package dev.rstt.tools;

import dev.rstt.common.kafka.AclPlan;
import dev.rstt.common.kafka.TopicPlan;
import dev.rstt.common.kafka.TopicProvisioner;
import dev.rstt.schemas.Topics;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * The operator's one step before the services start on a broker with ACLs (README "Security"): creates the topics
 * (with their dead-letter twins; an existing topic is never changed) and the ACLs of every service principal
 * ({@link AclPlan}), as a principal allowed to (a super user); with {@code --scram-credentials FILE} (a properties
 * file of {@code user=password}) it first creates or resets those SCRAM-SHA-512 users. With {@code --print} it only
 * prints the topics and ACLs as {@code kafka-topics.sh} and {@code kafka-acls.sh} commands.
 *
 * <pre>
 * kafka-setup [--kafka host:port] [--kafka-config admin.properties] [--print] [--partitions 12] [--replication 1]
 *             [--topic-prefix P] [--merger-application-id transcript-merger] [--scram-credentials users.properties]
 *             [--principals ingest-gateway=User:a,stt-worker=User:b,batch-worker=User:c,transcript-merger=User:d,tools=User:e]
 * </pre>
 */
public final class KafkaSetupCli {

  private KafkaSetupCli() {
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out));
  }

  /** Runs with command-line {@code args}, printing to {@code out}; returns the exit code. */
  public static int run(String[] args, PrintStream out) throws Exception {
    return run(parse(args), out);
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("Unexpected argument " + args[i]);
      }
      String name = args[i].substring(2);
      if (name.equals("print")) {
        opts.put(name, "true");
      } else if (i + 1 < args.length) {
        opts.put(name, args[++i]);
      } else {
        throw new IllegalArgumentException("--" + name + " needs a value");
      }
    }
    return opts;
  }

  /** Creates or resets the SCRAM-SHA-512 users of a {@code user=password} file; returns their names. */
  static List<String> scramUsers(Properties client, Path file) throws Exception {
    Properties users = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      users.load(in);
    }
    List<UserScramCredentialAlteration> upserts = new ArrayList<>();
    for (String user : new TreeSet<>(users.stringPropertyNames())) {
      String password = users.getProperty(user);
      if (password.length() < 16) {
        throw new IllegalArgumentException("The SCRAM password of " + user + " in " + file
            + " is shorter than 16 characters");
      }
      upserts.add(new UserScramCredentialUpsertion(user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192),
          password));
    }
    try (Admin a = Admin.create(client)) {
      a.alterUserScramCredentials(upserts).all().get(30, TimeUnit.SECONDS);
    }
    return new ArrayList<>(new TreeSet<>(users.stringPropertyNames()));
  }

  static AclPlan.Names names(Map<String, String> opts) {
    AclPlan.Names names = AclPlan.Names.defaults().withTopicPrefix(opts.getOrDefault("topic-prefix", ""));
    return opts.containsKey("merger-application-id")
        ? names.withMergerApplicationId(opts.get("merger-application-id")) : names;
  }

  static AclPlan.Principals principals(Map<String, String> opts) {
    AclPlan.Principals d = AclPlan.Principals.defaults();
    Map<String, String> given = new HashMap<>();
    if (opts.containsKey("principals")) {
      for (String pair : opts.get("principals").split(",")) {
        String[] kv = pair.split("=", 2);
        if (kv.length != 2 || !List.of("ingest-gateway", "stt-worker", "batch-worker", "transcript-merger", "tools")
            .contains(kv[0].strip()) || !kv[1].strip().matches("[A-Za-z]+:.+")) {
          throw new IllegalArgumentException("--principals takes service=Type:name pairs (services: ingest-gateway, "
              + "stt-worker, batch-worker, transcript-merger, tools), not '" + pair + "'");
        }
        given.put(kv[0].strip(), kv[1].strip());
      }
    }
    return new AclPlan.Principals(given.getOrDefault("ingest-gateway", d.gateway()),
        given.getOrDefault("stt-worker", d.sttWorker()), given.getOrDefault("batch-worker", d.batchWorker()),
        given.getOrDefault("transcript-merger", d.merger()), given.getOrDefault("tools", d.tools()));
  }

  static int run(Map<String, String> opts, PrintStream out) throws Exception {
    AclPlan.Names names = names(opts);
    List<AclPlan.Grant> grants = AclPlan.grants(names, principals(opts));
    int partitions = Integer.parseInt(opts.getOrDefault("partitions", "12"));
    short replication = Short.parseShort(opts.getOrDefault("replication", "1"));
    if (opts.containsKey("print")) {
      String bootstrap = opts.getOrDefault("kafka", "$BOOTSTRAP");
      String config = opts.getOrDefault("kafka-config", "admin.properties");
      for (String topic : AclPlan.topics(names)) {
        out.println("kafka-topics.sh --bootstrap-server " + bootstrap + " --command-config " + config
            + " --create --if-not-exists --topic " + topic + " --partitions " + (topic.endsWith("-dlt") ? 1 : partitions)
            + " --replication-factor " + replication + configFlags(configs(names, topic)));
      }
      for (AclPlan.Grant g : grants) {
        out.println("# " + g.service() + ": " + g.why());
        out.println(g.kafkaAclsCommand(bootstrap, config));
      }
      return 0;
    }
    Properties client = KafkaClientConfig.fromOptions(opts);
    if (opts.containsKey("scram-credentials")) {
      List<String> users = scramUsers(client, Path.of(opts.get("scram-credentials")));
      out.println("kafka-setup: SCRAM-SHA-512 credentials set for " + users);
    }
    Map<String, Object> admin = new HashMap<>();
    client.forEach((k, v) -> admin.put(k.toString(), v));
    List<TopicPlan.Wanted> wanted = new ArrayList<>();
    AclPlan.topics(names).forEach(t -> wanted.add(
        new TopicPlan.Wanted(t, t.endsWith("-dlt") ? 1 : partitions, configs(names, t))));
    TopicPlan plan = new TopicProvisioner(admin, wanted, replication, Duration.ofSeconds(30), true).provision();
    out.println("kafka-setup: topics created: " + plan.create().stream().map(TopicPlan.Wanted::name).toList()
        + (plan.mismatched().isEmpty() ? "" : "; partition counts differ (left unchanged): " + plan.mismatched()));
    try (Admin a = Admin.create(client)) {
      a.createAcls(AclPlan.bindings(grants)).all().get(30, TimeUnit.SECONDS);
    }
    out.println("kafka-setup: " + AclPlan.bindings(grants).size() + " ACLs in place for "
        + grants.stream().map(AclPlan.Grant::principal).distinct().toList());
    return 0;
  }

  /** What a topic needs at creation: {@code session.positions} is compacted (as the services create it). */
  private static Map<String, String> configs(AclPlan.Names names, String topic) {
    return topic.equals(names.sessionPositions()) ? Topics.POSITIONS_CONFIGS : Map.of();
  }

  private static String configFlags(Map<String, String> configs) {
    StringBuilder flags = new StringBuilder();
    new java.util.TreeMap<>(configs).forEach((k, v) -> flags.append(" --config ").append(k).append('=').append(v));
    return flags.toString();
  }
}
