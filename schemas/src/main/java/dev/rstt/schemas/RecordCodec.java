package dev.rstt.schemas;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro single-object encoding ({@code C3 01}, 8-byte little-endian CRC-64-AVRO fingerprint of the writer
 * schema, then the binary body) for a fixed set of generated record classes that share one topic.
 * Decoding picks the record class by the writer schema's full name and resolves any released version of
 * it (from the {@link SchemaStore}) to the current generated class.
 *
 * <p>Instances are immutable after construction and safe to share between threads: Avro's message
 * encoders and decoders keep per-thread buffers.
 */
public final class RecordCodec<T extends SpecificRecord> {

  private static final byte MAGIC_0 = (byte) 0xC3;
  private static final byte MAGIC_1 = (byte) 0x01;
  static final int HEADER_LENGTH = 10;

  static {
    trustGeneratedRecords();
  }

  /**
   * Avro 1.12 refuses to instantiate classes it has not been told to trust; the records generated from this
   * module's schemas are trusted, in addition to whatever the JVM already trusts.
   */
  static void trustGeneratedRecords() {
    ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
    ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous,
        type -> type.getName().startsWith(GENERATED_PACKAGE)));
  }

  static final String GENERATED_PACKAGE = "dev.rstt.avro.";

  private final Map<Class<?>, BinaryMessageEncoder<?>> encoders = new HashMap<>();
  private final Map<Long, BinaryMessageDecoder<? extends T>> decoderByFingerprint = new HashMap<>();
  private final String description;

  public RecordCodec(SchemaStore store, List<Class<? extends T>> types) {
    if (types.isEmpty()) {
      throw new IllegalArgumentException("A codec needs at least one record type");
    }
    StringBuilder names = new StringBuilder();
    for (Class<? extends T> type : types) {
      Schema current = SpecificData.get().getSchema(type);
      encoders.put(type, new BinaryMessageEncoder<>(SpecificData.get(), current));
      BinaryMessageDecoder<? extends T> decoder = new BinaryMessageDecoder<>(SpecificData.get(), current);
      decoderByFingerprint.put(SchemaStore.fingerprint(current), decoder);
      for (Schema released : store.versionsOf(current.getFullName())) {
        decoder.addSchema(released);
        decoderByFingerprint.put(SchemaStore.fingerprint(released), decoder);
      }
      names.append(names.length() == 0 ? "" : "|").append(current.getName());
    }
    this.description = names.toString();
  }

  @SuppressWarnings("unchecked")
  public byte[] encode(T record) {
    BinaryMessageEncoder<T> encoder = (BinaryMessageEncoder<T>) encoders.get(record.getClass());
    if (encoder == null) {
      throw new IllegalArgumentException(
          record.getClass().getSimpleName() + " is not one of the record types " + description);
    }
    try {
      ByteBuffer buffer = encoder.encode(record);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new IllegalStateException("Cannot encode " + record.getClass().getSimpleName(), e);
    }
  }

  public T decode(byte[] bytes) {
    if (bytes == null) {
      throw new RecordDecodeException("Null value where " + description + " was expected");
    }
    if (bytes.length < HEADER_LENGTH || bytes[0] != MAGIC_0 || bytes[1] != MAGIC_1) {
      throw new RecordDecodeException(
          "Not Avro single-object encoded (" + bytes.length + " bytes, header " + hexPrefix(bytes)
              + "); expected C3 01 + fingerprint for " + description);
    }
    long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    BinaryMessageDecoder<? extends T> decoder = decoderByFingerprint.get(fingerprint);
    if (decoder == null) {
      throw new RecordDecodeException(String.format(
          "Unknown writer schema fingerprint %016x: not a released version of %s", fingerprint, description));
    }
    try {
      return decoder.decode(bytes);
    } catch (IOException | RuntimeException e) {
      throw new RecordDecodeException(String.format(
          "Corrupt body for writer schema %016x (%s, %d bytes): %s", fingerprint, description, bytes.length,
          e.getMessage()), e);
    }
  }

  public String description() {
    return description;
  }

  private static String hexPrefix(byte[] bytes) {
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < Math.min(4, bytes.length); i++) {
      hex.append(String.format("%02X", bytes[i]));
    }
    return hex.length() == 0 ? "<empty>" : hex.toString();
  }
}
