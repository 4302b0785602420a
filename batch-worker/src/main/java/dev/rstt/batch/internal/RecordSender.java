package dev.rstt.batch.internal;

import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Sends one record; the stage completes when Kafka acknowledged it, or fails (a producer, or a test's broker). */
@FunctionalInterface
public interface RecordSender<K, V> {
  CompletionStage<?> send(ProducerRecord<K, V> record);
}
