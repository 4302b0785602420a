package dev.rstt.common.kafka;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.support.ProducerListener;

/**
 * Before Spring Boot's Kafka auto-configuration: a {@link CoordinatesProducerListener} bean, so Boot's own
 * {@code LoggingProducerListener} (which logs payloads) is never created and any auto-configured
 * {@code KafkaTemplate} logs failed sends by coordinates; producer records printed by coordinates everywhere
 * Spring Kafka logs one, and the TRACE lines that print records dropped ({@link RecordLogging#install()}).
 */
@AutoConfiguration(beforeName = "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration")
public class RecordLoggingAutoConfiguration {

  @Bean
  public ProducerListener<Object, Object> coordinatesProducerListener() {
    RecordLogging.install(); // after logging is initialised (a re-initialisation drops logback's turbo filters)
    return new CoordinatesProducerListener<>();
  }
}
