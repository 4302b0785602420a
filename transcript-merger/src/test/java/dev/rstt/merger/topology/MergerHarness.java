package dev.rstt.merger.topology;

import dev.rstt.avro.SessionUpdate;
import dev.rstt.merger.MergerConfig;
import dev.rstt.merger.merge.SessionTranscript;
import dev.rstt.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The production topology on a {@link TopologyTestDriver}, with its input, outputs and store at hand. As a test
 * class's {@code @RegisterExtension final MergerHarness h = new MergerHarness();} each test gets a fresh driver
 * (JUnit makes a test instance per test), closed after the test; elsewhere, close it with try-with-resources.
 */
final class MergerHarness implements AutoCloseable, AfterEachCallback {

  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  final Topics topics = Topics.defaults();
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final TopologyTestDriver driver;
  final TestInputTopic<String, SpecificRecord> events;
  final TestInputTopic<String, byte[]> rawEvents;
  final TestOutputTopic<String, SessionUpdate> updates;
  final TestOutputTopic<String, byte[]> deadLetters;

  MergerHarness() {
    this(MergerConfig.defaults());
  }

  MergerHarness(MergerConfig config) {
    this(config, freshStateDir());
  }

  /** A state directory deleted on {@link #close}; null when the caller owns it. */
  private Path ownedStateDir;

  /**
   * State on tmpfs when the machine has one, deleted on close: the driver commits (and flushes every RocksDB store)
   * after each record, which for a long session on a disk shared with other builds is mostly I/O wait.
   */
  static MergerHarness onTmpfs(MergerConfig config) {
    Path shm = Path.of("/dev/shm");
    if (!Files.isDirectory(shm) || !Files.isWritable(shm)) {
      return new MergerHarness(config);
    }
    try {
      MergerHarness h = new MergerHarness(config, Files.createTempDirectory(shm, "rstt-merger-ttd-"));
      h.ownedStateDir = h.stateDir;
      return h;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private final Path stateDir;

  MergerHarness(MergerConfig config, Path stateDir) {
    this.stateDir = stateDir;
    MergerConfig local = config.withApplicationId("merger-test", stateDir.toString());
    Properties props = MergerStreamsProperties.build(local, Map.of("bootstrap.servers", "unused:9092"), (short) 1);
    driver = new TopologyTestDriver(MergerTopology.buildTopology(local, topics, meters), props, START);
    var in = topics.transcriptEvents();
    events = driver.createInputTopic(in.name(), new StringSerializer(), in.valueSerde().serializer());
    rawEvents = driver.createInputTopic(in.name(), new StringSerializer(), new ByteArraySerializer());
    var out = topics.sessionUpdates();
    updates = driver.createOutputTopic(out.name(), new StringDeserializer(), out.valueSerde().deserializer());
    deadLetters = driver.createOutputTopic(in.deadLetterName(), new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  /** Under target/, not the OS temp directory (which Kafka Streams warns about). */
  static Path freshStateDir() {
    try {
      Path root = Files.createDirectories(Path.of("target", "ttd-state").toAbsolutePath());
      return Files.createTempDirectory(root, "state-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void pipe(String session, SpecificRecord... records) {
    for (SpecificRecord r : records) {
      events.pipeInput(session, r);
    }
  }

  List<SessionUpdate> drain() {
    return updates.readValuesToList();
  }

  List<TestRecord<String, byte[]>> drainDeadLetters() {
    return deadLetters.readRecordsToList();
  }

  KeyValueStore<String, SessionTranscript> store() {
    return driver.getKeyValueStore(MergerTopology.TRANSCRIPTS_STORE);
  }

  KeyValueStore<String, dev.rstt.merger.avro.HistoryEntry> history() {
    return driver.getKeyValueStore(MergerTopology.HISTORY_STORE);
  }

  SessionTranscript transcript(String session) {
    return store().get(session);
  }

  void advance(Duration d) {
    driver.advanceWallClockTime(d);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  @Override
  public void close() {
    driver.close();
    if (ownedStateDir != null) {
      try (var paths = Files.walk(ownedStateDir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
