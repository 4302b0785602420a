package dev.rstt.schemas;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** The default {@link ValueSerdeProvider}: Avro single-object encoding against the released schemas. */
public final class AvroSingleObjectSerdeProvider implements ValueSerdeProvider {

  static final AvroSingleObjectSerdeProvider INSTANCE = new AvroSingleObjectSerdeProvider();

  @Override
  public <T extends SpecificRecord> Serde<T> serde(String topic, List<Class<? extends T>> types) {
    RecordCodec<T> codec = new RecordCodec<>(SchemaStore.released(), types);
    Serializer<T> serializer = (t, record) -> record == null ? null : codec.encode(record);
    Deserializer<T> deserializer = (t, bytes) -> {
      if (bytes == null) {
        return null; // a tombstone
      }
      try {
        return codec.decode(bytes);
      } catch (RecordDecodeException e) {
        throw new RecordDecodeException("Topic " + t + ": " + e.getMessage(), e);
      }
    };
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
