package dev.rstt.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.LiveResumed;
import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.SessionPosition;
import dev.rstt.avro.SessionStarted;
import dev.rstt.avro.SessionUpdate;
import dev.rstt.avro.StatusChanged;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What a schema registry in BACKWARD_TRANSITIVE mode would enforce, checked at build time. */
class SchemaCompatibilityTest {

  static Stream<Class<?>> records() {
    return Stream.of(SessionStarted.class, AudioChunk.class, SessionEnded.class, LiveResumed.class,
        SegmentsProduced.class, StatusChanged.class, SessionUpdate.class, SessionPosition.class);
  }

  @ParameterizedTest
  @MethodSource("records")
  void shouldReadEveryReleasedVersionWithTheCurrentSchema(Class<?> type) {
    Schema current = SpecificData.get().getSchema(type);
    List<Schema> released = SchemaStore.released().versionsOf(current.getFullName());
    assertThat(released).as("released versions of %s", current.getName()).isNotEmpty();
    for (Schema writer : released) {
      SchemaCompatibility.SchemaPairCompatibility result =
          SchemaCompatibility.checkReaderWriterCompatibility(current, writer);
      assertThat(result.getType())
          .as("current %s reading released %s: %s", current.getName(), writer, result.getDescription())
          .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }
  }

  @ParameterizedTest
  @MethodSource("records")
  void shouldHaveReleasedTheCurrentSchema(Class<?> type) {
    Schema current = SpecificData.get().getSchema(type);
    List<Schema> released = SchemaStore.released().versionsOf(current.getFullName());
    assertThat(SchemaStore.fingerprint(released.get(released.size() - 1)))
        .as("the newest released %s must be the schema in src/main/avro; release a changed schema as a new"
            + " version in avro-released/", current.getName())
        .isEqualTo(SchemaStore.fingerprint(current));
    assertThat(released.get(released.size() - 1).getFields()).map(Schema.Field::defaultVal)
        .as("defaults of the newest released %s", current.getName())
        .containsExactlyElementsOf(current.getFields().stream().map(Schema.Field::defaultVal).toList());
  }

  @ParameterizedTest
  @MethodSource("records")
  void shouldKeepEveryOptionalFieldNullableWithNullDefault(Class<?> type) {
    Schema current = SpecificData.get().getSchema(type);
    for (Schema.Field field : current.getFields()) {
      Schema schema = field.schema();
      if (schema.getType() == Schema.Type.UNION) {
        assertThat(schema.getTypes().get(0).getType())
            .as("%s.%s: optional fields are [\"null\", T]", current.getName(), field.name())
            .isEqualTo(Schema.Type.NULL);
        assertThat(field.defaultVal()).as("%s.%s default", current.getName(), field.name())
            .isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
      }
    }
  }

  @Test
  void shouldListEveryReleasedFileInTheIndex() throws IOException {
    Path root = Path.of("src/main/resources/avro-released");
    List<String> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(p -> p.toString().endsWith(".avsc"))
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .sorted()
          .toList();
    }
    assertThat(SchemaStore.indexEntries(getClass().getClassLoader())).containsExactlyInAnyOrderElementsOf(files);
  }
}
