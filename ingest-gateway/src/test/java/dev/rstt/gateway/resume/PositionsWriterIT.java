package dev.rstt.gateway.resume;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.SessionPosition;
import dev.rstt.gateway.audio.AudioFormat;
import dev.rstt.gateway.session.Placement;
import dev.rstt.gateway.support.GatewayInstance;
import dev.rstt.schemas.Topics;
import dev.rstt.testsupport.KafkaBroker;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The positions writer never makes its caller wait for Kafka. Writes are asked for on the audio producer's network
 * thread (a new session's first position follows its acknowledged SessionStarted), where a {@code send()} blocked
 * on metadata would hold every session's audio acknowledgements for up to {@code max.block.ms}.
 */
class PositionsWriterIT {

  private static final Duration MAX_BLOCK = Duration.ofSeconds(2);

  @Test
  void shouldReturnAtOnceWhileTheProducerWaitsForTheTopicsMetadata() {
    String prefix = KafkaBroker.uniquePrefix("PositionsWriterIT-missing");
    Topics topics = GatewayInstance.topics(prefix); // never created: the broker creates no topic on demand
    try (PositionsWriter writer = writer(topics)) {
      CompletableFuture<Placement> written = writer.write(position("01MISSING"));
      assertThat(written).as("the write is queued, not waited for on the caller's thread").isNotDone();
      assertThat(written).failsWithin(MAX_BLOCK.multipliedBy(10))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .withCauseInstanceOf(TimeoutException.class); // "not present in metadata after 2000 ms"
    }
  }

  @Test
  void shouldStorePositionsAndTombstonesInTheOrderAskedFor() {
    String prefix = KafkaBroker.uniquePrefix("PositionsWriterIT-order");
    Topics topics = GatewayInstance.topics(prefix);
    KafkaBroker.shared().createTopics(1, topics.sessionPositions().name());
    try (PositionsWriter writer = writer(topics)) {
      CompletableFuture<Placement> first = writer.write(position("01ORDER"));
      CompletableFuture<Placement> second = writer.write(position("01ORDER"));
      CompletableFuture<Placement> gone = writer.tombstone("01ORDER");
      assertThat(CompletableFuture.allOf(first, second, gone)).succeedsWithin(Duration.ofSeconds(30));
      assertThat(second.join().offset()).isGreaterThan(first.join().offset());
      assertThat(gone.join().offset()).isGreaterThan(second.join().offset());
    }
  }

  private static PositionsWriter writer(Topics topics) {
    long now = System.currentTimeMillis();
    return new PositionsWriter(KafkaBroker.shared().clientProperties(), topics.sessionPositions(), "writer-it",
        MAX_BLOCK, new PositionsFreshness(60_000, now), Clock.systemUTC());
  }

  private static SessionPosition position(String sessionId) {
    return PositionRecords.of(sessionId, "alice", new AudioFormat("en", 16000, AudioFormat.Codec.PCM16, 1),
        "writer-it", 0, PositionStates.ATTACHED, null, new ResumePoint(40, 6400, 9, 2, 77), null, 1000);
  }
}
