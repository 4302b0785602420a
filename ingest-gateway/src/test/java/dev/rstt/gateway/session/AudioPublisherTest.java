package dev.rstt.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.SessionEnded;
import dev.rstt.gateway.GatewayMetrics;
import dev.rstt.schemas.Topic;
import dev.rstt.schemas.Topics;
import dev.rstt.schemas.ValueSerdeProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * How records reach the producer. A unit test: the producer here reports what {@code KafkaProducer.send} reports
 * when it cannot take a record (a retriable error through the callback, on the caller's thread, after
 * {@code max.block.ms}), which a broker stall only shows after the producer re-bootstraps.
 */
class AudioPublisherTest {

  private static final Topic<String, SpecificRecord> TOPIC = Topics.of(Map.of(Topics.AUDIO_FRAMES, "t.audio.frames"),
      ValueSerdeProvider.avroSingleObject()).audioFrames();

  /** Refuses the first {@code refusals} sends the way KafkaProducer does without metadata, then takes them. */
  static final class RefusingProducer extends MockProducer<String, SpecificRecord> {
    final AtomicInteger refusals;
    final RuntimeException refusal;

    RefusingProducer(int refusals, RuntimeException refusal) {
      super(true, null, new StringSerializer(), TOPIC.valueSerde().serializer());
      this.refusals = new AtomicInteger(refusals);
      this.refusal = refusal;
    }

    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<String, SpecificRecord> record, Callback callback) {
      if (refusals.getAndDecrement() > 0) {
        callback.onCompletion(null, refusal);
        return CompletableFuture.failedFuture(refusal);
      }
      return super.send(record, callback);
    }
  }

  private static SessionEnded record(long lastSeq) {
    return SessionEnded.newBuilder().setSessionId("s").setUserId("u").setLastSeq(lastSeq).setEndOffsetSamples(0)
        .setSampleRate(16000).setReason("stop").build();
  }

  private static AudioPublisher publisher(RefusingProducer producer, UnackedBudget budget) {
    return new AudioPublisher(producer, TOPIC, new GatewayMetrics(new SimpleMeterRegistry(), budget::used), budget);
  }

  @Test
  void shouldHandOverAgainInOrderARecordTheProducerCouldNotTakeYet() throws Exception {
    RefusingProducer producer = new RefusingProducer(3, new TimeoutException("Topic t not present in metadata"));
    UnackedBudget budget = new UnackedBudget(1000);
    try (AudioPublisher publisher = publisher(producer, budget)) {
      CompletableFuture<Placement> first = publisher.publish("s", record(0), 100);
      CompletableFuture<Placement> second = publisher.publish("s", record(1), 100);
      assertThat(first).succeedsWithin(Duration.ofSeconds(5));
      assertThat(second).succeedsWithin(Duration.ofSeconds(5));
      assertThat(producer.history()).extracting(r -> ((SessionEnded) r.value()).getLastSeq())
          .as("each record taken once, in order").containsExactly(0L, 1L);
      assertThat(budget.used()).isZero();
    }
  }

  @Test
  void shouldFailARecordTheProducerRefusesForGood() {
    RefusingProducer producer = new RefusingProducer(1, new RecordTooLargeException("too large"));
    UnackedBudget budget = new UnackedBudget(1000);
    try (AudioPublisher publisher = publisher(producer, budget)) {
      assertThat(publisher.publish("s", record(0), 100)).failsWithin(Duration.ofSeconds(5));
      assertThat(budget.used()).isZero();
      assertThat(producer.history()).isEmpty();
    }
  }

  @Test
  void shouldFailWhatStillWaitsWhenClosed() {
    RefusingProducer producer = new RefusingProducer(Integer.MAX_VALUE, new TimeoutException("no metadata"));
    UnackedBudget budget = new UnackedBudget(1000);
    AudioPublisher publisher = publisher(producer, budget);
    CompletableFuture<Placement> waiting = publisher.publish("s", record(0), 100);
    assertThat(waiting).isNotDone();
    publisher.close();
    assertThat(waiting).failsWithin(Duration.ofSeconds(15));
    assertThat(budget.used()).isZero();
  }
}
