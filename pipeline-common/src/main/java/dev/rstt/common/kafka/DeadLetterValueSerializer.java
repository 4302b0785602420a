package dev.rstt.common.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes whatever a dead letter carries: the original bytes of a record that failed to deserialize, a
 * string key, or a decoded record that failed in processing (in single-object encoding, as it was read).
 */
public final class DeadLetterValueSerializer implements Serializer<Object> {

  @Override
  public byte[] serialize(String topic, Object data) {
    if (data == null || data instanceof byte[]) {
      return (byte[]) data;
    }
    if (data instanceof String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    if (data instanceof SpecificRecordBase record) {
      try {
        ByteBuffer buffer = new BinaryMessageEncoder<SpecificRecordBase>(SpecificData.get(), record.getSchema())
            .encode(record);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalArgumentException("Cannot write a " + data.getClass().getName() + " to a dead-letter topic");
  }
}
