package dev.rstt.common.kafka;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.springframework.kafka.support.KafkaUtils;

/**
 * How a record appears in a log line: by its coordinates only, {@code topic-partition@offset} (or
 * {@code topic-partition} / {@code topic} while they are unknown), never its key, value or headers: values carry
 * audio, transcript text and user ids. Spring Kafka prints a {@code ProducerRecord} with {@code toString()}
 * (key and value) wherever it logs one (the TRACE line of every send, failed sends); {@link #install()} replaces
 * that formatter for the whole JVM, and drops the TRACE lines of the loggers that print records themselves
 * ({@link PayloadTraceFilter}). Consumer records are already printed by coordinates.
 */
public final class RecordLogging {

  private static final AtomicBoolean INSTALLED = new AtomicBoolean();

  private RecordLogging() {
  }

  /** Makes Spring Kafka print producer records by coordinates, and filters record-printing TRACE lines. Idempotent. */
  public static void install() {
    if (INSTALLED.compareAndSet(false, true)) {
      KafkaUtils.setProducerRecordFormatter(RecordLogging::coordinates);
    }
    if (LOGBACK) {
      PayloadTraceFilter.installInLogback();
    }
  }

  private static final boolean LOGBACK = isPresent("ch.qos.logback.classic.LoggerContext");

  private static boolean isPresent(String className) {
    try {
      Class.forName(className, false, RecordLogging.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** {@code topic-partition} of a record about to be sent ({@code topic} before a partition is chosen). */
  public static String coordinates(ProducerRecord<?, ?> record) {
    return record.partition() == null ? record.topic() : record.topic() + "-" + record.partition();
  }

  /** {@code topic-partition@offset} when the broker assigned one, else what is known of the record. */
  public static String coordinates(ProducerRecord<?, ?> record, RecordMetadata metadata) {
    if (metadata != null && metadata.partition() >= 0) {
      return metadata.topic() + "-" + metadata.partition() + (metadata.hasOffset() ? "@" + metadata.offset() : "");
    }
    return record == null ? "?" : coordinates(record);
  }
}
