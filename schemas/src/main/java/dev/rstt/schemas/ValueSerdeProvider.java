package dev.rstt.schemas;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * The one seam through which every service gets its value serdes. The default writes Avro single-object
 * encoding with the {@link SchemaStore}; a deployment that has the Confluent Schema Registry serializers can
 * put its own implementation on the classpath and name it in {@code rstt.serde.provider} (environment
 * {@code RSTT_SERDE_PROVIDER}); see the README.
 */
public interface ValueSerdeProvider {

  String CONFIG_KEY = "rstt.serde.provider";

  /** A serde for a topic whose values are any of {@code types}. */
  <T extends SpecificRecord> Serde<T> serde(String topic, List<Class<? extends T>> types);

  static ValueSerdeProvider avroSingleObject() {
    return AvroSingleObjectSerdeProvider.INSTANCE;
  }

  /** The provider named by {@code className}, or the default when it is blank. */
  static ValueSerdeProvider named(String className) {
    if (className == null || className.isBlank()) {
      return avroSingleObject();
    }
    try {
      Class<?> type = Class.forName(className.strip());
      return (ValueSerdeProvider) type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalArgumentException(
          CONFIG_KEY + "=" + className + " is not a loadable " + ValueSerdeProvider.class.getName()
              + " with a public no-argument constructor", e);
    }
  }
}
