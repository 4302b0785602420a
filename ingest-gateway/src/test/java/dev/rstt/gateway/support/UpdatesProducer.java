package dev.rstt.gateway.support;

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

/** Plays the merger: produces SessionUpdate records to the test's session.updates topic. */
public final class UpdatesProducer implements AutoCloseable {

  private final KafkaProducer<String, SessionUpdate> producer;
  private final Topic<String, SessionUpdate> topic;

  public UpdatesProducer(String bootstrap, Topic<String, SessionUpdate> topic) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
    this.producer = new KafkaProducer<>(props, topic.keySerde().serializer(), topic.valueSerde().serializer());
    this.topic = topic;
  }

  public void send(SessionUpdate update) {
    try {
      producer.send(new ProducerRecord<>(topic.name(), update.getSessionId(), update)).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public void sendAsync(SessionUpdate update) {
    producer.send(new ProducerRecord<>(topic.name(), update.getSessionId(), update));
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
