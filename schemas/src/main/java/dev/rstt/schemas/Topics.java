package dev.rstt.schemas;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.LiveResumed;
import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.SessionPosition;
import dev.rstt.avro.SessionStarted;
import dev.rstt.avro.SessionUpdate;
import dev.rstt.avro.StatusChanged;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The typed topic catalogue of docs/CONTRACT.md section 1. Every record of a session is keyed by its session id,
 * so one partition holds the session's history in order. Names are configuration with these defaults.
 */
public final class Topics {

  public static final String AUDIO_FRAMES = "audio.frames";
  public static final String AUDIO_DEGRADED = "audio.degraded";
  public static final String TRANSCRIPT_EVENTS = "transcript.events";
  public static final String SESSION_UPDATES = "session.updates";
  public static final String SESSION_POSITIONS = "session.positions";

  private final Topic<String, SpecificRecord> audioFrames;
  private final Topic<String, SpecificRecord> audioDegraded;
  private final Topic<String, SpecificRecord> transcriptEvents;
  private final Topic<String, SessionUpdate> sessionUpdates;
  private final Topic<String, SessionPosition> sessionPositions;

  private Topics(Map<String, String> names, ValueSerdeProvider serdes) {
    String frames = names.getOrDefault(AUDIO_FRAMES, AUDIO_FRAMES);
    String degraded = names.getOrDefault(AUDIO_DEGRADED, AUDIO_DEGRADED);
    String events = names.getOrDefault(TRANSCRIPT_EVENTS, TRANSCRIPT_EVENTS);
    String updates = names.getOrDefault(SESSION_UPDATES, SESSION_UPDATES);
    String positions = names.getOrDefault(SESSION_POSITIONS, SESSION_POSITIONS);
    this.audioFrames = new Topic<>(frames, Serdes.String(),
        serdes.serde(frames, List.of(SessionStarted.class, AudioChunk.class, SessionEnded.class)));
    this.audioDegraded = new Topic<>(degraded, Serdes.String(),
        serdes.serde(degraded, List.of(AudioChunk.class, LiveResumed.class, SessionEnded.class)));
    this.transcriptEvents = new Topic<>(events, Serdes.String(),
        serdes.serde(events, List.of(SegmentsProduced.class, StatusChanged.class)));
    this.sessionUpdates = new Topic<>(updates, Serdes.String(),
        serdes.serde(updates, List.<Class<? extends SessionUpdate>>of(SessionUpdate.class)));
    this.sessionPositions = new Topic<>(positions, Serdes.String(),
        serdes.serde(positions, List.<Class<? extends SessionPosition>>of(SessionPosition.class)));
  }

  private static final class Defaults {
    static final Topics INSTANCE = new Topics(Map.of(), ValueSerdeProvider.avroSingleObject());
  }

  /** Default names, Avro single-object serdes. */
  public static Topics defaults() {
    return Defaults.INSTANCE;
  }

  /**
   * @param nameOverrides default topic name to the name to use instead (absent keys keep the default)
   * @param serdes the value serde seam
   */
  public static Topics of(Map<String, String> nameOverrides, ValueSerdeProvider serdes) {
    return new Topics(Map.copyOf(nameOverrides), serdes);
  }

  /** Audio from the gateway: SessionStarted | AudioChunk | SessionEnded. */
  public Topic<String, SpecificRecord> audioFrames() {
    return audioFrames;
  }

  /** Audio rerouted by the STT worker: AudioChunk | LiveResumed | SessionEnded. */
  public Topic<String, SpecificRecord> audioDegraded() {
    return audioDegraded;
  }

  /** Worker output: SegmentsProduced | StatusChanged. */
  public Topic<String, SpecificRecord> transcriptEvents() {
    return transcriptEvents;
  }

  /** Merger output for the gateway. */
  public Topic<String, SessionUpdate> sessionUpdates() {
    return sessionUpdates;
  }

  /**
   * Where every resumable session stands (docs/CONTRACT.md section 10): compacted, keyed by session id, a tombstone
   * once the session ended. Written and read by the gateways only.
   */
  public Topic<String, SessionPosition> sessionPositions() {
    return sessionPositions;
  }

  public List<Topic<String, ?>> all() {
    return List.of(audioFrames, audioDegraded, transcriptEvents, sessionUpdates, sessionPositions);
  }

  /** How {@code session.positions} is created: compacted, the latest position of each session kept. */
  public static final Map<String, String> POSITIONS_CONFIGS =
      Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "60000", "segment.ms", "3600000");

  /** Topic configuration a topic needs when it is created (compaction for the latest-value topics). */
  public Map<String, String> creationConfigs(Topic<String, ?> topic) {
    return topic.name().equals(sessionPositions.name()) ? POSITIONS_CONFIGS : Map.of();
  }
}
