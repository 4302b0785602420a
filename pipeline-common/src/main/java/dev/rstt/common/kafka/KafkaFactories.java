package dev.rstt.common.kafka;

import dev.rstt.schemas.Topic;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;

/**
 * Producers and listener containers bound to a {@link Topic}'s serdes. Values are read through an
 * {@link ErrorHandlingDeserializer}, so an undecodable record reaches the error handler (and the dead-letter
 * topic) as a failed record instead of failing the poll loop.
 */
public final class KafkaFactories {

  private KafkaFactories() {
  }

  /**
   * An idempotent, {@code acks=all} producer for one topic's key and value types; a failed send is logged by the
   * record's coordinates, never its content ({@link CoordinatesProducerListener}).
   */
  public static <K, V> KafkaTemplate<K, V> template(KafkaProperties kafka, Topic<K, V> topic,
      Map<String, Object> overrides) {
    Map<String, Object> props = kafka.buildProducerProperties();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.putAll(overrides);
    DefaultKafkaProducerFactory<K, V> factory = new DefaultKafkaProducerFactory<>(props,
        topic.keySerde().serializer(), topic.valueSerde().serializer());
    KafkaTemplate<K, V> template = new KafkaTemplate<>(factory);
    template.setDefaultTopic(topic.name());
    template.setProducerListener(new CoordinatesProducerListener<>()); // never Spring's payload-logging default
    RecordLogging.install();
    return template;
  }

  /** A listener container factory for one topic, with the shared dead-letter error handler. */
  public static <K, V> ConcurrentKafkaListenerContainerFactory<K, V> listenerFactory(KafkaProperties kafka,
      Topic<K, V> topic, CommonErrorHandler errorHandler, Map<String, Object> overrides) {
    Map<String, Object> props = kafka.buildConsumerProperties();
    props.putAll(overrides);
    DefaultKafkaConsumerFactory<K, V> consumers = new DefaultKafkaConsumerFactory<>(props,
        new ErrorHandlingDeserializer<>(topic.keySerde().deserializer()),
        new ErrorHandlingDeserializer<>(topic.valueSerde().deserializer()));
    ConcurrentKafkaListenerContainerFactory<K, V> factory = new ConcurrentKafkaListenerContainerFactory<>();
    factory.setConsumerFactory(consumers);
    factory.setCommonErrorHandler(errorHandler);
    return factory;
  }
}
