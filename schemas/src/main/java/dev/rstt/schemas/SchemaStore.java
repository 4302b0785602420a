package dev.rstt.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Every released version of every record schema, looked up by the 64-bit CRC-64-AVRO fingerprint that
 * Avro's single-object encoding writes before each body. This is what a schema registry would hold; the
 * Confluent registry client is not published on Maven Central, so every service ships the store instead.
 *
 * <p>The versions live in {@code avro-released/<Record>/v<N>.avsc} on the classpath, listed in
 * {@code avro-released/index.txt}.
 */
public final class SchemaStore {

  static final String INDEX = "avro-released/index.txt";

  private final Map<Long, Schema> byFingerprint;
  private final Map<String, List<Schema>> byName;

  private SchemaStore(Map<Long, Schema> byFingerprint, Map<String, List<Schema>> byName) {
    this.byFingerprint = Collections.unmodifiableMap(byFingerprint);
    this.byName = Collections.unmodifiableMap(byName);
  }

  private static final class Holder {
    static final SchemaStore RELEASED = load(SchemaStore.class.getClassLoader());
  }

  /** The store built from the released schemas on this module's classpath. */
  public static SchemaStore released() {
    return Holder.RELEASED;
  }

  static SchemaStore load(ClassLoader loader) {
    Map<Long, Schema> byFingerprint = new LinkedHashMap<>();
    Map<String, List<Schema>> byName = new LinkedHashMap<>();
    for (String path : indexEntries(loader)) {
      Schema schema = parse(loader, "avro-released/" + path);
      byFingerprint.put(fingerprint(schema), schema);
      byName.computeIfAbsent(schema.getFullName(), k -> new ArrayList<>()).add(schema);
    }
    return new SchemaStore(byFingerprint, byName);
  }

  static List<String> indexEntries(ClassLoader loader) {
    String text = readResource(loader, INDEX);
    List<String> entries = new ArrayList<>();
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
        entries.add(trimmed);
      }
    }
    return entries;
  }

  private static Schema parse(ClassLoader loader, String resource) {
    return new Schema.Parser().parse(readResource(loader, resource));
  }

  private static String readResource(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Released schema resource missing from the classpath: " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + resource, e);
    }
  }

  /** The fingerprint single-object encoding writes for {@code schema}. */
  public static long fingerprint(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }

  public Optional<Schema> byFingerprint(long fingerprint) {
    return Optional.ofNullable(byFingerprint.get(fingerprint));
  }

  /** Released versions of one record, oldest first; empty when the record was never released. */
  public List<Schema> versionsOf(String fullName) {
    return byName.getOrDefault(fullName, List.of());
  }

  public Map<String, List<Schema>> all() {
    return byName;
  }
}
