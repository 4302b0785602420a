package dev.rstt.common.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Creates the missing topics at start (after every bean exists, before listeners and Kafka Streams start), and
 * never alters an existing one: a partition count that differs from {@code rstt.topics.partitions} is logged as a
 * WARN and left as it is ({@link TopicPlan}). Replaces Spring Kafka's {@code KafkaAdmin} topic handling, which
 * would add partitions to an existing topic whenever the configured count is higher.
 */
public final class TopicProvisioner implements SmartInitializingSingleton {

  private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

  private final Map<String, Object> adminConfig;
  private final List<TopicPlan.Wanted> wanted;
  private final short replicationFactor;
  private final Duration timeout;
  private final boolean failFast;

  public TopicProvisioner(Map<String, Object> adminConfig, List<TopicPlan.Wanted> wanted, short replicationFactor,
      Duration timeout, boolean failFast) {
    this.adminConfig = Map.copyOf(adminConfig);
    this.wanted = List.copyOf(wanted);
    this.replicationFactor = replicationFactor;
    this.timeout = timeout;
    this.failFast = failFast;
  }

  @Override
  public void afterSingletonsInstantiated() {
    try {
      provision();
    } catch (RuntimeException e) {
      if (failFast) {
        throw e;
      }
      log.error("Could not check or create the topics (spring.kafka.admin.fail-fast=false, going on): {}",
          e.toString());
    }
  }

  /** Creates what is missing and reports what differs; returns the plan it carried out. */
  public TopicPlan provision() {
    try (Admin admin = Admin.create(adminConfig)) {
      TopicPlan plan = TopicPlan.of(wanted, existing(admin));
      for (TopicPlan.Mismatch m : plan.mismatched()) {
        log.warn("Topic {} has {} partitions where rstt.topics.partitions asks for {}: left unchanged (adding "
            + "partitions would move sessions to other partitions mid-stream; see README 'Scaling' to "
            + "repartition)", m.name(), m.existing(), m.wanted());
      }
      if (!plan.create().isEmpty()) {
        create(admin, plan.create());
      }
      return plan;
    }
  }

  private Map<String, Integer> existing(Admin admin) {
    try {
      Set<String> names = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      List<String> ours = wanted.stream().map(TopicPlan.Wanted::name).filter(names::contains).toList();
      Map<String, Integer> partitions = new HashMap<>();
      if (!ours.isEmpty()) {
        Map<String, TopicDescription> described = admin.describeTopics(ours).allTopicNames()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        described.forEach((name, d) -> partitions.put(name, d.partitions().size()));
      }
      return partitions;
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Cannot list the topics: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void create(Admin admin, List<TopicPlan.Wanted> topics) {
    List<NewTopic> newTopics = topics.stream()
        .map(t -> new NewTopic(t.name(), t.partitions(), replicationFactor).configs(t.configs())).toList();
    admin.createTopics(newTopics).values().forEach((name, future) -> {
      try {
        future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        log.info("Created topic {}", name);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof TopicAuthorizationException
            || e.getCause() instanceof ClusterAuthorizationException) {
          throw new IllegalStateException("Not authorized to create topic " + name + ": with Kafka ACLs the operator "
              + "creates the topics (pipeline-tools kafka-setup; README \"Security\") and every service runs with "
              + "rstt.topics.create=false", e.getCause());
        }
        if (!(e.getCause() instanceof TopicExistsException)) { // another service created it meanwhile: fine
          throw new IllegalStateException("Cannot create topic " + name + ": " + e.getCause(), e.getCause());
        }
      } catch (TimeoutException e) {
        throw new IllegalStateException("Cannot create topic " + name + ": no answer within " + timeout, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    });
  }
}
