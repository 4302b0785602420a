package dev.rstt.merger.topology;

import dev.rstt.merger.MergerConfig;
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
 * transcript-events-source ──▶ session-merger [session-transcripts, session-expiry] ──▶ session-updates-sink
 *                                                                                   └─▶ transcript-events-dlt-sink
 * </pre>
 *
 * Every node and store is named here; the changelogs are {@code <application.id>-session-transcripts-changelog}
 * and {@code <application.id>-session-expiry-changelog}. There is no repartition topic: input is keyed by
 * session id already.
 */
public final class MergerTopology {

  public static final String SOURCE = "transcript-events-source";
  public static final String PROCESSOR = "session-merger";
  public static final String UPDATES_SINK = "session-updates-sink";
  public static final String DLT_SINK = "transcript-events-dlt-sink";
  /** Session id to its merged transcript and status (module-internal Avro {@code SessionState}). */
  public static final String TRANSCRIPTS_STORE = "session-transcripts";
  /** Session id to the wall-clock millis at which it expires; small, so the expiry scan never decodes transcripts. */
  public static final String EXPIRY_STORE = "session-expiry";

  /** Changelog records hold a whole session; a long session can exceed Kafka's 1 MiB default. */
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
    topology.addSink(UPDATES_SINK, updates.name(), updates.keySerde().serializer(),
        updates.valueSerde().serializer(), PROCESSOR);
    topology.addSink(DLT_SINK, events.deadLetterName(), new StringSerializer(), new ByteArraySerializer(),
        PROCESSOR);
    return topology;
  }
}
