package dev.rstt.common.kafka;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.support.ProducerListener;

/**
 * The producer listener of every {@code KafkaTemplate} here, in place of Spring's {@code LoggingProducerListener}
 * (which prints the key and up to 100 characters of the value of a record whose send failed: user ids,
 * transcript text). A failed send is one ERROR line with the record's coordinates
 * ({@link RecordLogging#coordinates(ProducerRecord, RecordMetadata)}) and the exception's class and message.
 */
public final class CoordinatesProducerListener<K, V> implements ProducerListener<K, V> {

  private static final Logger log = LoggerFactory.getLogger(CoordinatesProducerListener.class);

  @Override
  public void onError(ProducerRecord<K, V> record, RecordMetadata metadata, Exception exception) {
    log.error("Send to {} failed: {}: {}", RecordLogging.coordinates(record, metadata),
        exception.getClass().getName(), exception.getMessage());
  }
}
