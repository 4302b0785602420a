package dev.rstt.gateway.support;

import dev.rstt.avro.SessionStarted;
import dev.rstt.avro.SessionUpdate;
import dev.rstt.avro.StatusEvent;
import dev.rstt.avro.TranscriptSegment;
import dev.rstt.schemas.Topic;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Plays the merger: produces SessionUpdate records to the test's session.updates topic. Like the merger, it takes a
 * session's {@code user_id} from the session's SessionStarted on audio.frames when the update carries none (the
 * gateway delivers an update only to the socket of its user).
 */
public final class UpdatesProducer implements AutoCloseable {

  private final KafkaProducer<String, SessionUpdate> producer;
  private final Topic<String, SessionUpdate> topic;
  private final AudioFramesReader frames;
  private final Map<String, String> users = new java.util.concurrent.ConcurrentHashMap<>();

  /** @param frames the reader of the test's audio.frames topic, where each session's user is found */
  public UpdatesProducer(String bootstrap, Topic<String, SessionUpdate> topic, AudioFramesReader frames) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
    this.producer = new KafkaProducer<>(props, topic.keySerde().serializer(), topic.valueSerde().serializer());
    this.topic = topic;
    this.frames = frames;
  }

  /** The update with its session's user_id, as the merger would set it, unless it carries one already. */
  private SessionUpdate owned(SessionUpdate update) {
    if (update.getUserId() != null) {
      return update;
    }
    String user = users.computeIfAbsent(update.getSessionId(), id -> frames.awaitSession(id,
        values -> values.stream().anyMatch(SessionStarted.class::isInstance)).stream()
        .map(r -> r.value()).filter(SessionStarted.class::isInstance).map(v -> ((SessionStarted) v).getUserId())
        .findFirst().orElseThrow());
    return SessionUpdate.newBuilder(update).setUserId(user).build();
  }

  public void send(SessionUpdate update) {
    try {
      SessionUpdate owned = owned(update);
      producer.send(new ProducerRecord<>(topic.name(), owned.getSessionId(), owned)).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public void sendAsync(SessionUpdate update) {
    SessionUpdate owned = owned(update);
    producer.send(new ProducerRecord<>(topic.name(), owned.getSessionId(), owned));
  }

  public void flush() {
    producer.flush();
  }

  public static SessionUpdate status(String session, long revision, String status, String text,
      Map<String, String> metadata, boolean complete) {
    return SessionUpdate.newBuilder().setSessionId(session).setRevision(revision).setSegments(List.of())
        .setRemovedSegmentIds(List.of())
        .setStatus(StatusEvent.newBuilder().setStatus(status).setStatusText(text).setMetadata(metadata).build())
        .setComplete(complete).build();
  }

  public static SessionUpdate segments(String session, long revision, boolean complete, TranscriptSegment... segments) {
    return SessionUpdate.newBuilder().setSessionId(session).setRevision(revision).setSegments(List.of(segments))
        .setRemovedSegmentIds(List.of()).setStatus(null).setComplete(complete).build();
  }

  public static TranscriptSegment segment(String id, String text, double start, double end) {
    return TranscriptSegment.newBuilder().setId(id).setText(text).setSpeaker("SPEAKER_0").setSpeakerId(0)
        .setIsUser(false).setPersonId(null).setStart(start).setEnd(end).setSttProvider("deepgram")
        .setSttSession("01JTESTSTTSESSION000000000").build();
  }

  @Override
  public void close() {
    producer.close();
  }
}
