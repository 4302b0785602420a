package dev.rstt.common.kafka;

import dev.rstt.schemas.Topics;
import dev.rstt.schemas.ValueSerdeProvider;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.LoggingProducerListener;
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
            Topics.SESSION_UPDATES, properties.sessionUpdates()),
        ValueSerdeProvider.named(properties.serdeProvider()));
  }

  @Bean
  @ConditionalOnProperty(prefix = "rstt.topics", name = "create", havingValue = "true", matchIfMissing = true)
  public KafkaAdmin.NewTopics rsttTopics(Topics topics, TopicsProperties properties) {
    List<NewTopic> all = new ArrayList<>();
    topics.all().forEach(topic -> {
      all.add(TopicBuilder.name(topic.name()).partitions(properties.partitions())
          .replicas(properties.replicationFactor()).build());
      all.add(TopicBuilder.name(topic.deadLetterName()).partitions(1)
          .replicas(properties.replicationFactor()).build());
    });
    return new KafkaAdmin.NewTopics(all.toArray(NewTopic[]::new));
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
    LoggingProducerListener<Object, Object> listener = new LoggingProducerListener<>();
    listener.setIncludeContents(false); // a failed send is logged with its coordinates, never the record's bytes
    template.setProducerListener(listener);
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
