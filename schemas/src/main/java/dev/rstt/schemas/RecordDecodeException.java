package dev.rstt.schemas;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record value that cannot be decoded. The message says what was wrong with the bytes; the consumer's
 * error handler adds the topic/partition@offset coordinates and sends the record to the dead-letter topic.
 */
public class RecordDecodeException extends SerializationException {
  public RecordDecodeException(String message) {
    super(message);
  }

  public RecordDecodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
