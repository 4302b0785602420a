package dev.rstt.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.ChannelPosition;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.SessionPosition;
import dev.rstt.avro.SessionStarted;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

  private final RecordCodec<SpecificRecord> codec = new RecordCodec<>(SchemaStore.released(),
      List.of(SessionStarted.class, AudioChunk.class, SessionEnded.class));

  static AudioChunk chunk() {
    return AudioChunk.newBuilder()
        .setSessionId("01JTESTSESSION")
        .setUserId("alice")
        .setSeq(7)
        .setOffsetSamples(16000)
        .setSampleRate(16000)
        .setChannels(1)
        .setLanguage("en")
        .setPcm(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}))
        .setReceivedAtMs(1234L)
        .setAppFramesStart(40L)
        .setAppFramesEnd(45L)
        .build();
  }

  @Test
  void shouldRoundTripEachRecordTypeOfATopic() {
    AudioChunk chunk = chunk();
    SessionEnded ended = SessionEnded.newBuilder().setSessionId("s").setLastSeq(3).setEndOffsetSamples(99)
        .setSampleRate(16000).setReason("stop").build();

    byte[] bytes = codec.encode(chunk);

    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    assertThat(codec.decode(bytes)).isEqualTo(chunk);
    assertThat(codec.decode(codec.encode(ended))).isEqualTo(ended);
  }

  @Test
  void shouldReadAnAudioChunkWrittenWithReleasedVersion1() throws IOException {
    Schema v1 = releasedAudioChunk(1);
    assertThat(v1.getField("received_at_ms")).as("v1 predates received_at_ms").isNull();
    GenericRecord old = oldChunk(v1, "s1", 1L, 320L, "de", new byte[] {9, 9});
    old.put("user_id", "bob");
    byte[] bytes = writtenWith(v1, old);

    AudioChunk read = (AudioChunk) codec.decode(bytes);

    assertThat(read.getSessionId()).isEqualTo("s1");
    assertThat(read.getLanguage()).isEqualTo("de");
    assertThat(read.getOffsetSamples()).isEqualTo(320L);
    assertThat(read.getReceivedAtMs()).isNull();
  }

  @Test
  void shouldReadAnAudioChunkWrittenWithReleasedVersion2WithoutAppFrameIndexes() throws IOException {
    Schema v2 = releasedAudioChunk(2);
    assertThat(v2.getField("app_frames_end")).as("v2 predates the app frame indexes").isNull();
    GenericRecord old = oldChunk(v2, "s2", 4L, 640L, "en", new byte[] {1, 1});
    old.put("user_id", "bob");
    old.put("received_at_ms", 99L);
    byte[] bytes = writtenWith(v2, old);

    AudioChunk read = (AudioChunk) codec.decode(bytes);

    assertThat(read.getReceivedAtMs()).isEqualTo(99L);
    assertThat(read.getAppFramesStart()).isNull();
    assertThat(read.getAppFramesEnd()).isNull();
  }

  @Test
  void shouldReadAnAudioChunkWrittenBeforeChannelsAsChannel0AndRoundTripAChannel() throws IOException {
    Schema v4 = releasedAudioChunk(4);
    assertThat(v4.getField("channel")).as("v4 predates channel").isNull();
    byte[] bytes = writtenWith(v4, oldChunk(v4, "s4", 0L, 0L, "en", new byte[] {1, 1}));

    assertThat(((AudioChunk) codec.decode(bytes)).getChannel()).isZero();
    AudioChunk second = AudioChunk.newBuilder(chunk()).setChannel(2).build();
    assertThat(((AudioChunk) codec.decode(codec.encode(second))).getChannel()).isEqualTo(2);
  }

  @Test
  void shouldRoundTripASessionPositionAndItsTombstone() {
    RecordCodec<SessionPosition> positions = new RecordCodec<>(SchemaStore.released(), List.of(SessionPosition.class));
    SessionPosition p = SessionPosition.newBuilder().setSessionId("s").setUserId("alice").setCodec("pcm16")
        .setSampleRate(16000).setChannels(1).setLanguage("en").setOwner("gw-a").setEpoch(2).setState("detached")
        .setPreviousOwner(null).setFrames(120).setOffsetSamples(192000).setNextSeq(31).setAudioPartition(3)
        .setAudioOffset(4711).setDetachedAtMs(1000L).setUpdatedAtMs(1001L).build();
    SessionPosition twoChannels = SessionPosition.newBuilder(p).setChannels(2).setChannelPositions(List.of(
        new ChannelPosition(1, 192000L, 31L), new ChannelPosition(2, 191680L, 30L))).build();

    assertThat(positions.decode(positions.encode(p))).isEqualTo(p);
    assertThat(positions.decode(positions.encode(twoChannels))).isEqualTo(twoChannels);
    assertThat(Topics.defaults().sessionPositions().valueSerde().deserializer().deserialize("session.positions", null))
        .as("a tombstone").isNull();
    assertThat(Topics.defaults().creationConfigs(Topics.defaults().sessionPositions()))
        .containsEntry("cleanup.policy", "compact");
  }

  @Test
  void shouldRejectBytesThatAreNotSingleObjectEncodedWithAClearMessage() {
    assertThatThrownBy(() -> codec.decode("hello, world".getBytes()))
        .isInstanceOf(RecordDecodeException.class)
        .hasMessageContaining("Not Avro single-object encoded")
        .hasMessageContaining("68656C6C");
  }

  @Test
  void shouldRejectAnUnknownFingerprint() {
    byte[] bytes = codec.encode(chunk());
    bytes[5] ^= 0x55;
    assertThatThrownBy(() -> codec.decode(bytes))
        .isInstanceOf(RecordDecodeException.class)
        .hasMessageContaining("Unknown writer schema fingerprint");
  }

  @Test
  void shouldRejectATruncatedBody() {
    byte[] bytes = codec.encode(chunk());
    byte[] truncated = Arrays.copyOf(bytes, 14);
    assertThatThrownBy(() -> codec.decode(truncated))
        .isInstanceOf(RecordDecodeException.class)
        .hasMessageContaining("Corrupt body");
  }

  @Test
  void shouldRefuseToEncodeARecordTypeTheTopicDoesNotCarry() {
    RecordCodec<SpecificRecord> framesOnly = new RecordCodec<>(SchemaStore.released(), List.of(SessionStarted.class));
    assertThatThrownBy(() -> framesOnly.encode(chunk()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AudioChunk");
  }

  /** The released AudioChunk schema version {@code n} (1 for the first). */
  private static Schema releasedAudioChunk(int n) {
    return SchemaStore.released().versionsOf(AudioChunk.getClassSchema().getFullName()).get(n - 1);
  }

  /** An AudioChunk of an older schema {@code version} with the fields every version has: mono, 16 kHz. */
  private static GenericRecord oldChunk(Schema version, String session, long seq, long offsetSamples,
      String language, byte[] pcm) {
    GenericRecord old = new GenericData.Record(version);
    old.put("session_id", session);
    old.put("seq", seq);
    old.put("offset_samples", offsetSamples);
    old.put("sample_rate", 16000);
    old.put("channels", 1);
    old.put("language", language);
    old.put("pcm", ByteBuffer.wrap(pcm));
    return old;
  }

  /** {@code old} as a producer of schema {@code version} wrote it (single-object encoding). */
  private static byte[] writtenWith(Schema version, GenericRecord old) throws IOException {
    ByteBuffer written = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), version).encode(old);
    byte[] bytes = new byte[written.remaining()];
    written.get(bytes);
    return bytes;
  }
}
