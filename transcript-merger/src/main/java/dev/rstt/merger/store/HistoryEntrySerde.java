package dev.rstt.merger.store;

import dev.rstt.merger.avro.ClosedSegment;
import dev.rstt.merger.avro.ClosedStatus;
import dev.rstt.merger.avro.HistoryEntry;
import dev.rstt.merger.avro.SegmentPosition;
import dev.rstt.merger.merge.Segment;
import dev.rstt.merger.merge.StatusRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The value serde of the {@code session-history} store: the module-internal Avro {@code HistoryEntry} in
 * single-object encoding (a later version still reads an old changelog), and the entries made from what left a
 * session's open tail.
 */
public final class HistoryEntrySerde implements Serde<HistoryEntry> {

  static {
    SessionStateSerde.allowModuleRecords();
  }

  private static final BinaryMessageEncoder<HistoryEntry> ENCODER =
      new BinaryMessageEncoder<>(SpecificData.get(), HistoryEntry.getClassSchema());
  private static final BinaryMessageDecoder<HistoryEntry> DECODER =
      new BinaryMessageDecoder<>(SpecificData.get(), HistoryEntry.getClassSchema());

  @Override
  public Serializer<HistoryEntry> serializer() {
    return (topic, e) -> e == null ? null : encode(e);
  }

  @Override
  public Deserializer<HistoryEntry> deserializer() {
    return (topic, bytes) -> bytes == null ? null : decode(bytes);
  }

  public static byte[] encode(HistoryEntry e) {
    try {
      ByteBuffer buffer = ENCODER.encode(e);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException ex) {
      throw new SerializationException("Cannot encode a session-history value", ex);
    }
  }

  public static HistoryEntry decode(byte[] bytes) {
    try {
      return DECODER.decode(bytes);
    } catch (IOException | RuntimeException ex) {
      throw new SerializationException("Cannot decode a session-history value (" + bytes.length + " bytes)", ex);
    }
  }

  public static HistoryEntry of(Segment s) {
    return new HistoryEntry(ClosedSegment.newBuilder()
        .setId(s.id())
        .setText(s.text())
        .setSpeaker(s.speaker())
        .setSpeakerId(s.speakerId())
        .setIsUser(s.isUser())
        .setPersonId(s.personId())
        .setStart(s.start())
        .setEnd(s.end())
        .setSttProvider(s.sttProvider())
        .setSttSession(s.sttSession())
        .setWords(s.words().size())
        .build());
  }

  public static HistoryEntry of(StatusRecord r) {
    return new HistoryEntry(new ClosedStatus(r.status(), r.statusText(), new HashMap<>(r.metadata()),
        r.occurredAtMs()));
  }

  public static HistoryEntry position(long position) {
    return new HistoryEntry(new SegmentPosition(position));
  }
}
