package dev.rstt.merger.topology;

import dev.rstt.merger.MergerConfig;
import dev.rstt.merger.store.HistoryEntrySerde;
import dev.rstt.merger.store.SessionStateSerde;
import dev.rstt.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The merger's topology, a pure function of its configuration and topic catalogue:
 *
 * <pre>
 * transcript-events-source ──▶ session-merger [session-transcripts, session-expiry, session-history]
 *                                  ├─▶ session-updates-sink
 *                                  └─▶ transcript-events-dlt-sink
 * </pre>
 *
 * Every node and store is named here; the changelogs are {@code <application.id>-session-transcripts-changelog},
 * {@code <application.id>-session-expiry-changelog} and {@code <application.id>-session-history-changelog}. There
 * is no repartition topic: input is keyed by session id already.
 */
public final class MergerTopology {

  public static final String SOURCE = "transcript-events-source";
  public static final String PROCESSOR = "session-merger";
  public static final String UPDATES_SINK = "session-updates-sink";
  public static final String DLT_SINK = "transcript-events-dlt-sink";
  /** Session id to its merged transcript and status (module-internal Avro {@code SessionState}). */
  public static final String TRANSCRIPTS_STORE = "session-transcripts";
  /**
   * What left the sessions' open tails (docs/CONTRACT.md section 6.8): closed segments, their positions, closed
   * statuses ({@link dev.rstt.merger.store.HistoryKeys}); written once, read by transcript reads and expiry only.
   */
  public static final String HISTORY_STORE = "session-history";
  /** Session id to the wall-clock millis at which it expires; small, so the expiry scan never decodes transcripts. */
  public static final String EXPIRY_STORE = "session-expiry";

  /**
   * Changelog records hold a session's open tail (tens of KiB, section 6.8); the limit stays above Kafka's 1 MiB
   * default for a tail held open by a long degraded episode, and for values written before the tail existed.
   */
  public static final int MAX_STATE_BYTES = 8 * 1024 * 1024;

  private MergerTopology() {
  }

  public static Topology buildTopology(MergerConfig config, Topics topics) {
    return buildTopology(config, topics, new SimpleMeterRegistry());
  }

  public static Topology buildTopology(MergerConfig config, Topics topics, MeterRegistry meters) {
    var events = topics.transcriptEvents();
    var updates = topics.sessionUpdates();
    Topology topology = new Topology();
    topology.addSource(SOURCE, events.keySerde().deserializer(),
        new TolerantDeserializer(events.valueSerde().deserializer()), events.name());
    topology.addProcessor(PROCESSOR, () -> new SessionMergeProcessor(config, meters), SOURCE);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TRANSCRIPTS_STORE),
            Serdes.String(), new SessionStateSerde())
        .withCachingEnabled()
        .withLoggingEnabled(Map.of("max.message.bytes", Integer.toString(MAX_STATE_BYTES))), PROCESSOR);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EXPIRY_STORE),
            Serdes.String(), Serdes.Long())
        .withCachingEnabled()
        .withLoggingEnabled(Map.of()), PROCESSOR);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HISTORY_STORE),
            Serdes.String(), new HistoryEntrySerde())
        .withLoggingEnabled(Map.of()), PROCESSOR);
    topology.addSink(UPDATES_SINK, updates.name(), updates.keySerde().serializer(),
        updates.valueSerde().serializer(), PROCESSOR);
    topology.addSink(DLT_SINK, events.deadLetterName(), new StringSerializer(), new ByteArraySerializer(),
        PROCESSOR);
    return topology;
  }
}
