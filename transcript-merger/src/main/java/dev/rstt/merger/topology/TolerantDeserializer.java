package dev.rstt.merger.topology;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Wraps the catalogue's value deserializer so an undecodable record reaches the processor as
 * {@link Inbound.Undecodable} (and the dead-letter topic) instead of failing the stream thread: the Kafka Streams
 * twin of Spring Kafka's {@code ErrorHandlingDeserializer}.
 */
public final class TolerantDeserializer implements Deserializer<Inbound> {

  private final Deserializer<SpecificRecord> delegate;

  public TolerantDeserializer(Deserializer<SpecificRecord> delegate) {
    this.delegate = delegate;
  }

  @Override
  public Inbound deserialize(String topic, byte[] data) {
    return deserialize(topic, null, data);
  }

  @Override
  public Inbound deserialize(String topic, Headers headers, byte[] data) {
    if (data == null) {
      return new Inbound.Undecodable(null, new IllegalArgumentException("Null value (tombstone) on " + topic));
    }
    try {
      SpecificRecord record = headers == null ? delegate.deserialize(topic, data)
          : delegate.deserialize(topic, headers, data);
      return new Inbound.Decoded(record, data);
    } catch (RuntimeException e) {
      return new Inbound.Undecodable(data, e);
    }
  }
}
