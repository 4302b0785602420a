package dev.rstt.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class AclPlanTest {

  private static final AclPlan.Names NAMES = AclPlan.Names.defaults();
  private static final AclPlan.Principals WHO = AclPlan.Principals.defaults();

  private static Set<String> topicOps(String principal) {
    return AclPlan.bindings(AclPlan.grants(NAMES, WHO)).stream()
        .filter(b -> b.entry().principal().equals(principal))
        .filter(b -> b.pattern().resourceType() == ResourceType.TOPIC)
        .map(b -> b.entry().operation() + " " + b.pattern().name() + (b.pattern().patternType() == PatternType.PREFIXED
            ? "*" : ""))
        .collect(Collectors.toSet());
  }

  @Test
  void shouldGiveEachServiceOnlyTheTopicsOfItsPlaceInThePipeline() {
    assertThat(topicOps("User:ingest-gateway")).containsExactlyInAnyOrder(
        "WRITE audio.frames", "READ session.updates", "WRITE session.updates-dlt", "READ session.positions",
        "WRITE session.positions", "READ audio.frames");
    assertThat(topicOps("User:stt-worker")).containsExactlyInAnyOrder(
        "READ audio.frames", "WRITE audio.degraded", "WRITE transcript.events", "WRITE audio.frames-dlt");
    assertThat(topicOps("User:batch-worker")).containsExactlyInAnyOrder(
        "READ audio.degraded", "WRITE transcript.events", "WRITE audio.degraded-dlt");
    assertThat(topicOps("User:transcript-merger")).containsExactlyInAnyOrder(
        "READ transcript.events", "WRITE session.updates", "WRITE transcript.events-dlt",
        "CREATE transcript-merger-*", "READ transcript-merger-*", "WRITE transcript-merger-*",
        "DESCRIBE_CONFIGS transcript-merger-*");
  }

  @Test
  void shouldNeverLetTheGatewayReadTranscriptEventsNorJoinAGroupOnTheAudio() {
    // it reads audio.frames only to take over a dead gateway's session (an assigned scan of one partition's tail)
    List<AclBinding> gateway = AclPlan.bindings(AclPlan.grantsOf("ingest-gateway", NAMES, WHO));
    assertThat(gateway).noneMatch(b -> b.entry().operation() == AclOperation.READ
        && b.pattern().name().equals("transcript.events"));
    assertThat(gateway).noneMatch(b -> b.pattern().resourceType() == ResourceType.GROUP
        && !b.pattern().name().equals(AclPlan.GATEWAY_GROUP_PREFIX));
    assertThat(gateway).noneMatch(b -> b.entry().operation() == AclOperation.ALL);
    assertThat(gateway).allMatch(b -> !b.pattern().name().equals("*"));
  }

  @Test
  void shouldGrantNothingToAServiceOnTheClusterNorAnyWildcardExceptToTools() {
    assertThat(AclPlan.bindings(AclPlan.grants(NAMES, WHO)))
        .noneMatch(b -> b.pattern().resourceType() == ResourceType.CLUSTER)
        .filteredOn(b -> b.pattern().name().equals("*"))
        .allMatch(b -> b.entry().principal().equals("User:rstt-tools")
            && b.entry().operation() == AclOperation.DESCRIBE);
  }

  @Test
  void shouldFollowTheConfiguredNames() {
    AclPlan.Names names = NAMES.withTopicPrefix("t1.").withMergerApplicationId("merger-v2");
    assertThat(AclPlan.bindings(AclPlan.grants(names, WHO))).extracting(b -> b.pattern().name())
        .contains("t1.audio.frames", "t1.session.updates-dlt", "merger-v2", "merger-v2-")
        .doesNotContain("audio.frames", "transcript-merger");
    assertThat(AclPlan.topics(names)).containsExactly("t1.audio.frames", "t1.audio.frames-dlt", "t1.audio.degraded",
        "t1.audio.degraded-dlt", "t1.transcript.events", "t1.transcript.events-dlt", "t1.session.updates",
        "t1.session.updates-dlt", "t1.session.positions", "t1.session.positions-dlt");
  }

  @Test
  void shouldPrintKafkaAclsCommands() {
    List<String> merger = AclPlan.grantsOf("transcript-merger", NAMES, WHO).stream()
        .map(g -> g.kafkaAclsCommand("kafka:9093", "admin.properties")).toList();
    assertThat(merger).contains(
        "kafka-acls.sh --bootstrap-server kafka:9093 --command-config admin.properties --add --allow-principal "
            + "User:transcript-merger --operation Read --topic transcript.events",
        "kafka-acls.sh --bootstrap-server kafka:9093 --command-config admin.properties --add --allow-principal "
            + "User:transcript-merger --operation Write --transactional-id transcript-merger- "
            + "--resource-pattern-type prefixed",
        "kafka-acls.sh --bootstrap-server kafka:9093 --command-config admin.properties --add --allow-principal "
            + "User:transcript-merger --operation Read --operation Write --operation Create --operation "
            + "DescribeConfigs --topic transcript-merger- --resource-pattern-type prefixed");
  }
}
