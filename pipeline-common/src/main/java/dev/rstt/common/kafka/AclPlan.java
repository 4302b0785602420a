package dev.rstt.common.kafka;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka ACLs of every service principal: what each reads and writes, and nothing more (README "Security").
 * Pure: names in, grants out; the secure end-to-end test grants exactly these, and {@code pipeline-tools kafka-setup}
 * prints them as {@code kafka-acls.sh} commands or creates them.
 *
 * <p>Topics are created by the operator (or by {@code kafka-setup}), not by the services: with ACLs, run the services
 * with {@code rstt.topics.create=false}. {@code READ} and {@code WRITE} imply {@code DESCRIBE}.
 */
public final class AclPlan {

  /** The principals, one per service ({@code User:<name>}), and the tools' (bench, chaos). */
  public record Principals(String gateway, String sttWorker, String batchWorker, String merger, String tools) {

    public static Principals defaults() {
      return new Principals("User:ingest-gateway", "User:stt-worker", "User:batch-worker", "User:transcript-merger",
          "User:rstt-tools");
    }
  }

  /**
   * Every name an ACL is about, as the services are configured.
   *
   * @param topics the four topic names ({@code rstt.topics.*})
   * @param sttGroup {@code rstt.stt.group-id}
   * @param batchGroup {@code rstt.batch.group-id}
   * @param gatewayGroupPrefix every gateway instance's {@code session.updates} group starts with this
   * @param mergerApplicationId {@code rstt.merger.application-id}: the merger's group, the prefix of its internal
   *     topics (changelog) and of its transactional ids
   */
  public record Names(String audioFrames, String audioDegraded, String transcriptEvents, String sessionUpdates,
      String sessionPositions, String sttGroup, String batchGroup, String gatewayGroupPrefix,
      String mergerApplicationId) {

    public static Names defaults() {
      return new Names("audio.frames", "audio.degraded", "transcript.events", "session.updates", "session.positions",
          "stt-worker", "batch-worker", GATEWAY_GROUP_PREFIX, "transcript-merger");
    }

    public Names withTopicPrefix(String prefix) {
      return new Names(prefix + audioFrames, prefix + audioDegraded, prefix + transcriptEvents,
          prefix + sessionUpdates, prefix + sessionPositions, sttGroup, batchGroup, gatewayGroupPrefix,
          mergerApplicationId);
    }

    public Names withMergerApplicationId(String id) {
      return new Names(audioFrames, audioDegraded, transcriptEvents, sessionUpdates, sessionPositions, sttGroup,
          batchGroup, gatewayGroupPrefix, id);
    }
  }

  /**
   * Operations one principal may do on one resource, and why.
   *
   * @param service which service (or {@code tools}) this is for
   */
  public record Grant(String service, String principal, ResourceType type, String name, PatternType pattern,
      Set<AclOperation> operations, String why) {

    public Grant {
      Objects.requireNonNull(principal);
      operations = Set.copyOf(operations);
    }

    public List<AclBinding> bindings() {
      ResourcePattern resource = new ResourcePattern(type, name, pattern);
      return operations.stream().sorted()
          .map(op -> new AclBinding(resource, new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW)))
          .toList();
    }

    /** One {@code kafka-acls.sh --add} command line granting this. */
    public String kafkaAclsCommand(String bootstrapServers, String commandConfig) {
      StringBuilder b = new StringBuilder("kafka-acls.sh --bootstrap-server ").append(bootstrapServers)
          .append(" --command-config ").append(commandConfig).append(" --add --allow-principal ").append(principal);
      operations.stream().sorted().forEach(op -> b.append(" --operation ").append(cliName(op)));
      b.append(switch (type) {
        case TOPIC -> " --topic ";
        case GROUP -> " --group ";
        case TRANSACTIONAL_ID -> " --transactional-id ";
        default -> throw new IllegalStateException("no kafka-acls option for " + type);
      }).append(name.equals("*") ? "'*'" : name); // quoted, or a shell would expand it
      if (pattern == PatternType.PREFIXED) {
        b.append(" --resource-pattern-type prefixed");
      }
      return b.toString();
    }
  }

  /** The gateways' {@code session.updates} groups are {@code rstt-gateway-<instance id>}. */
  public static final String GATEWAY_GROUP_PREFIX = "rstt-gateway-";

  private AclPlan() {
  }

  /** Every grant, service by service. */
  public static List<Grant> grants(Names n, Principals p) {
    List<Grant> g = new ArrayList<>();
    String dlt = "-dlt";
    // ingest-gateway: audio in, updates out
    g.add(topic("ingest-gateway", p.gateway(), n.audioFrames(), "publishes the apps' audio", AclOperation.WRITE));
    g.add(topic("ingest-gateway", p.gateway(), n.sessionUpdates(), "delivers updates to its sockets",
        AclOperation.READ));
    g.add(new Grant("ingest-gateway", p.gateway(), ResourceType.GROUP, n.gatewayGroupPrefix(), PatternType.PREFIXED,
        EnumSet.of(AclOperation.READ), "one session.updates group per gateway instance"));
    g.add(topic("ingest-gateway", p.gateway(), n.sessionUpdates() + dlt, "dead letters of undecodable updates",
        AclOperation.WRITE));
    g.add(new Grant("ingest-gateway", p.gateway(), ResourceType.TOPIC, n.sessionPositions(), PatternType.LITERAL,
        EnumSet.of(AclOperation.READ, AclOperation.WRITE),
        "resumable sessions: each gateway writes its sessions' positions and reads every gateway's"));
    g.add(topic("ingest-gateway", p.gateway(), n.audioFrames(),
        "taking over a dead gateway's session: the tail of the session's audio is scanned (no group)",
        AclOperation.READ));
    // stt-worker: audio in, rerouted audio and transcripts out
    g.add(topic("stt-worker", p.sttWorker(), n.audioFrames(), "transcribes the live audio", AclOperation.READ));
    g.add(group("stt-worker", p.sttWorker(), n.sttGroup(), "the workers' consumer group"));
    g.add(topic("stt-worker", p.sttWorker(), n.audioDegraded(), "reroutes audio while Deepgram live fails",
        AclOperation.WRITE));
    g.add(topic("stt-worker", p.sttWorker(), n.transcriptEvents(), "publishes live segments and statuses",
        AclOperation.WRITE));
    g.add(topic("stt-worker", p.sttWorker(), n.audioFrames() + dlt, "dead letters of undecodable audio records",
        AclOperation.WRITE));
    // batch-worker: rerouted audio in, transcripts out
    g.add(topic("batch-worker", p.batchWorker(), n.audioDegraded(), "transcribes rerouted audio in chunks",
        AclOperation.READ));
    g.add(group("batch-worker", p.batchWorker(), n.batchGroup(), "the workers' consumer group"));
    g.add(topic("batch-worker", p.batchWorker(), n.transcriptEvents(), "publishes batch segments and statuses",
        AclOperation.WRITE));
    g.add(topic("batch-worker", p.batchWorker(), n.audioDegraded() + dlt, "dead letters", AclOperation.WRITE));
    // transcript-merger (Kafka Streams, exactly-once): transcripts in, updates out, its own internal resources
    String app = n.mergerApplicationId();
    g.add(topic("transcript-merger", p.merger(), n.transcriptEvents(), "merges the workers' output",
        AclOperation.READ));
    g.add(topic("transcript-merger", p.merger(), n.sessionUpdates(), "publishes merged updates",
        AclOperation.WRITE));
    g.add(topic("transcript-merger", p.merger(), n.transcriptEvents() + dlt, "dead letters", AclOperation.WRITE));
    g.add(group("transcript-merger", p.merger(), app, "the Streams application's consumer group"));
    g.add(new Grant("transcript-merger", p.merger(), ResourceType.TOPIC, app + "-", PatternType.PREFIXED,
        EnumSet.of(AclOperation.CREATE, AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE_CONFIGS),
        "internal topics (the state store's changelog): created, validated, restored and written by Streams"));
    g.add(new Grant("transcript-merger", p.merger(), ResourceType.TRANSACTIONAL_ID, app + "-", PatternType.PREFIXED,
        EnumSet.of(AclOperation.WRITE), "exactly-once: one transactional producer per stream thread"));
    // tools: bench's consumer lag, chaos's check of what Kafka holds of a session's audio
    g.add(new Grant("tools", p.tools(), ResourceType.GROUP, "*", PatternType.LITERAL,
        EnumSet.of(AclOperation.DESCRIBE), "bench: every group's committed offsets"));
    g.add(new Grant("tools", p.tools(), ResourceType.TOPIC, "*", PatternType.LITERAL,
        EnumSet.of(AclOperation.DESCRIBE), "bench: end offsets of every topic"));
    g.add(topic("tools", p.tools(), n.audioFrames(), "chaos: reads what Kafka holds of its sessions' audio",
        AclOperation.READ));
    return List.copyOf(g);
  }

  /** The grants of one service. */
  public static List<Grant> grantsOf(String service, Names n, Principals p) {
    return grants(n, p).stream().filter(g -> g.service().equals(service)).toList();
  }

  /** Every ACL binding of {@code grants}. */
  public static List<AclBinding> bindings(List<Grant> grants) {
    return grants.stream().flatMap(g -> g.bindings().stream()).toList();
  }

  /** The topics the operator creates: the four, each with its dead-letter twin. */
  public static List<String> topics(Names n) {
    List<String> topics = new ArrayList<>();
    for (String t : List.of(n.audioFrames(), n.audioDegraded(), n.transcriptEvents(), n.sessionUpdates(),
        n.sessionPositions())) {
      topics.add(t);
      topics.add(DeadLetters.deadLetterTopic(t));
    }
    return topics;
  }

  /** {@code kafka-acls.sh}'s spelling of an operation: {@code DESCRIBE_CONFIGS} is {@code DescribeConfigs}. */
  static String cliName(AclOperation op) {
    return java.util.Arrays.stream(op.name().split("_"))
        .map(w -> w.charAt(0) + w.substring(1).toLowerCase(Locale.ROOT)).collect(Collectors.joining());
  }

  private static Grant topic(String service, String principal, String topic, String why, AclOperation op) {
    return new Grant(service, principal, ResourceType.TOPIC, topic, PatternType.LITERAL, EnumSet.of(op), why);
  }

  private static Grant group(String service, String principal, String group, String why) {
    return new Grant(service, principal, ResourceType.GROUP, group, PatternType.LITERAL,
        EnumSet.of(AclOperation.READ), why);
  }
}
