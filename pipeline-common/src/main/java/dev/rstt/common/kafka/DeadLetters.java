package dev.rstt.common.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.util.backoff.FixedBackOff;

/**
 * A record that cannot be processed is visible and skipped, never a crash loop: one WARN line with its
 * {@code topic-partition@offset} and the reason (never the payload), a count in
 * {@code rstt.records.dead.lettered}, and the original bytes on {@code <topic>-dlt} with Spring Kafka's
 * {@code kafka_dlt-original-*} and {@code kafka_dlt-exception-*} headers.
 */
public final class DeadLetters {

  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

  public static final String METRIC = "rstt.records.dead.lettered";

  private DeadLetters() {
  }

  /** {@code <topic>-dlt}. */
  public static String deadLetterTopic(String topic) {
    return topic + "-dlt";
  }

  /**
   * The error handler every listener container uses: records that fail to deserialize go to the dead-letter
   * topic at once; other failures are retried {@code retries} times, {@code backOffMs} apart, first.
   */
  public static DefaultErrorHandler errorHandler(KafkaOperations<?, ?> bytesTemplate, MeterRegistry meters,
      long backOffMs, long retries) {
    DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(bytesTemplate,
        (record, exception) -> new TopicPartition(deadLetterTopic(record.topic()), -1)) {
      @Override
      public void accept(ConsumerRecord<?, ?> record, org.apache.kafka.clients.consumer.Consumer<?, ?> consumer,
          Exception exception) {
        report(meters, record.topic(), record.partition(), record.offset(), exception);
        super.accept(record, consumer, exception);
      }
    };
    DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, new FixedBackOff(backOffMs, retries));
    handler.addNotRetryableExceptions(DeserializationException.class,
        org.apache.kafka.common.errors.SerializationException.class);
    return handler;
  }

  /**
   * The dead letter of a record a consumer could not process, for consumers that publish dead letters
   * themselves: the original key and bytes to {@code <topic>-dlt}, with the record's headers and
   * {@link #addHeaders the origin and exception headers}.
   */
  public static <K, V> ProducerRecord<K, V> record(ConsumerRecord<? extends K, ? extends V> origin,
      Throwable error) {
    Headers headers = addHeaders(new RecordHeaders(origin.headers().toArray()), origin.topic(), origin.partition(),
        origin.offset(), error);
    return new ProducerRecord<>(deadLetterTopic(origin.topic()), null, origin.key(), origin.value(), headers);
  }

  /**
   * Adds Spring Kafka's dead-letter headers to {@code headers} in Spring Kafka's encoding (what
   * {@code DeadLetterPublishingRecoverer} writes, so one tool reads every dead-letter topic):
   * {@code kafka_dlt-original-topic} (UTF-8), {@code kafka_dlt-original-partition} (4-byte big-endian int),
   * {@code kafka_dlt-original-offset} (8-byte big-endian long), {@code kafka_dlt-exception-fqcn} and
   * {@code kafka_dlt-exception-message} (UTF-8).
   */
  public static Headers addHeaders(Headers headers, String topic, int partition, long offset, Throwable error) {
    headers.add(KafkaHeaders.DLT_ORIGINAL_TOPIC, topic.getBytes(StandardCharsets.UTF_8));
    headers.add(KafkaHeaders.DLT_ORIGINAL_PARTITION, ByteBuffer.allocate(Integer.BYTES).putInt(partition).array());
    headers.add(KafkaHeaders.DLT_ORIGINAL_OFFSET, ByteBuffer.allocate(Long.BYTES).putLong(offset).array());
    headers.add(KafkaHeaders.DLT_EXCEPTION_FQCN, error.getClass().getName().getBytes(StandardCharsets.UTF_8));
    headers.add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, String.valueOf(error.getMessage()).getBytes(StandardCharsets.UTF_8));
    return headers;
  }

  /** Logs and counts one dead-lettered record; for consumers that publish dead letters themselves. */
  public static void report(MeterRegistry meters, String topic, int partition, long offset, Throwable exception) {
    Throwable cause = rootCause(exception);
    log.warn("Dead-lettering {}-{}@{} to {}: {}: {}", topic, partition, offset, deadLetterTopic(topic),
        cause.getClass().getSimpleName(), cause.getMessage());
    Counter.builder(METRIC)
        .description("Records sent to a dead-letter topic because they could not be processed")
        .tag("topic", topic)
        .tag("reason", cause.getClass().getSimpleName())
        .register(meters)
        .increment();
  }

  private static Throwable rootCause(Throwable t) {
    Throwable cause = t;
    while (cause.getCause() != null && cause.getCause() != cause
        && !(cause instanceof dev.rstt.schemas.RecordDecodeException)) {
      cause = cause.getCause();
    }
    return cause;
  }
}
