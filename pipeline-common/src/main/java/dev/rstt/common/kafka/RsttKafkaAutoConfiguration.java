package dev.rstt.common.kafka;

import dev.rstt.schemas.Topics;
import dev.rstt.schemas.ValueSerdeProvider;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;

/**
 * The one shared Kafka loader: the typed topic catalogue from {@code rstt.topics.*}, the topics themselves
 * (and their dead-letter twins) when {@code rstt.topics.create} is true, and the dead-letter error handler
 * that Spring Boot plugs into every listener container.
 */
@AutoConfiguration(afterName = "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration")
@EnableConfigurationProperties(TopicsProperties.class)
public class RsttKafkaAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  public Topics topics(TopicsProperties properties) {
    return Topics.of(Map.of(
            Topics.AUDIO_FRAMES, properties.audioFrames(),
            Topics.AUDIO_DEGRADED, properties.audioDegraded(),
            Topics.TRANSCRIPT_EVENTS, properties.transcriptEvents(),
            Topics.SESSION_UPDATES, properties.sessionUpdates(),
            Topics.SESSION_POSITIONS, properties.sessionPositions()),
        ValueSerdeProvider.named(properties.serdeProvider()));
  }

  /**
   * Creates missing topics (and their dead-letter twins) at start; never changes an existing topic's partitions
   * ({@link TopicProvisioner}).
   */
  @Bean
  @ConditionalOnProperty(prefix = "rstt.topics", name = "create", havingValue = "true", matchIfMissing = true)
  public TopicProvisioner rsttTopics(Topics topics, TopicsProperties properties, KafkaProperties kafka) {
    List<TopicPlan.Wanted> wanted = new ArrayList<>();
    topics.all().forEach(topic -> {
      wanted.add(new TopicPlan.Wanted(topic.name(), properties.partitions(), topics.creationConfigs(topic)));
      wanted.add(new TopicPlan.Wanted(topic.deadLetterName(), 1));
    });
    Duration timeout = kafka.getAdmin().getOperationTimeout() != null
        ? kafka.getAdmin().getOperationTimeout() : Duration.ofSeconds(30);
    return new TopicProvisioner(kafka.buildAdminProperties(), wanted, properties.replicationFactor(), timeout,
        kafka.getAdmin().isFailFast());
  }

  /** For dead letters: the original bytes of the record are republished unchanged. */
  @Bean(name = "deadLetterTemplate")
  @ConditionalOnMissingBean(name = "deadLetterTemplate")
  public KafkaTemplate<Object, Object> deadLetterTemplate(KafkaProperties kafka) {
    Map<String, Object> props = kafka.buildProducerProperties();
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, DeadLetterValueSerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, DeadLetterValueSerializer.class);
    props.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    KafkaTemplate<Object, Object> template = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(props));
    template.setProducerListener(new CoordinatesProducerListener<>()); // a dead letter's bytes are never logged
    RecordLogging.install();
    return template;
  }

  @Bean
  @ConditionalOnMissingBean(CommonErrorHandler.class)
  public CommonErrorHandler deadLetterErrorHandler(KafkaTemplate<Object, Object> deadLetterTemplate,
      ObjectProvider<MeterRegistry> meters) {
    return DeadLetters.errorHandler(deadLetterTemplate,
        meters.getIfAvailable(io.micrometer.core.instrument.simple.SimpleMeterRegistry::new), 200L, 2L);
  }
}
