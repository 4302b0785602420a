package dev.rstt.schemas;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/** A topic's name bound to its key and value serdes: the one way producers, consumers and topologies name a topic. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

  public Topic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keySerde, "keySerde");
    Objects.requireNonNull(valueSerde, "valueSerde");
    if (name.isBlank()) {
      throw new IllegalArgumentException("Topic name must not be blank");
    }
  }

  /** The dead-letter topic for records of this topic that cannot be processed: {@code <name>-dlt}. */
  public String deadLetterName() {
    return name + "-dlt";
  }

  @Override
  public String toString() {
    return name;
  }
}
