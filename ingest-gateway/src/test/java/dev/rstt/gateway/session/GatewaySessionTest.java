package dev.rstt.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.SessionStarted;
import dev.rstt.avro.SessionUpdate;
import dev.rstt.avro.StatusEvent;
import dev.rstt.gateway.GatewayMetrics;
import dev.rstt.gateway.audio.AudioDecoder;
import dev.rstt.gateway.audio.AudioFormat;
import dev.rstt.gateway.resume.ResumePoint;
import dev.rstt.gateway.resume.ResumeSettings;
import dev.rstt.gateway.resume.SessionStart;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.socket.CloseStatus;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** The session's own rules with a sink whose acknowledgements the test controls (no Kafka involved). */
class GatewaySessionTest {

  /** Records what was handed over; the test acknowledges each record when it wants. */
  static final class ManualSink implements AudioSink {
    final List<SpecificRecord> records = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<Placement>> acks = new CopyOnWriteArrayList<>();
    final UnackedBudget global = new UnackedBudget(1 << 20);

    @Override
    public CompletableFuture<Placement> publish(String sessionId, SpecificRecord value, long bytes) {
      records.add(value);
      global.acquire(bytes);
      CompletableFuture<Placement> ack = new CompletableFuture<>();
      acks.add(ack);
      return ack.whenComplete((v, e) -> global.release(bytes));
    }

    @Override
    public UnackedBudget global() {
      return global;
    }

    void ackAll() {
      acks.forEach(a -> a.complete(null));
    }
  }

  private final Scheduler timers = Schedulers.newSingle("test-timers");
  private final ManualSink sink = new ManualSink();
  private final Outbound outbound = new Outbound(100);
  private final List<String> sent = new CopyOnWriteArrayList<>();

  @AfterEach
  void dispose() {
    timers.dispose();
  }

  /** A clock the test moves. */
  static final class ManualClock extends Clock {
    private final AtomicLong millis = new AtomicLong(1_000_000);

    void advance(Duration d) {
      millis.addAndGet(d.toMillis());
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private GatewaySession session(Duration maxDelay) {
    return session(maxDelay, Duration.ofSeconds(60), Clock.systemUTC());
  }

  private GatewaySession session(Duration maxDelay, Duration stopTimeout, Clock clock) {
    return session(maxDelay, stopTimeout, clock, SessionLimits.Settings.NONE);
  }

  private Duration storeTimeout = Duration.ofMinutes(10);

  private GatewaySession session(Duration maxDelay, Duration stopTimeout, Clock clock, SessionLimits.Settings limits) {
    outbound.flux().subscribe(sent::add);
    SessionSettings settings = new SessionSettings(Duration.ofMillis(100), maxDelay, 4096,
        Duration.ofSeconds(90), Duration.ofSeconds(10), stopTimeout, storeTimeout, limits);
    AudioFormat format = new AudioFormat("en", 16000, AudioFormat.Codec.PCM16, 1);
    return new GatewaySession("01SESSION", "alice", format, "gw-1", settings, sink,
        new GatewayMetrics(new SimpleMeterRegistry(), () -> 0), outbound, clock, timers,
        List.of(AudioDecoder.forFormat(format)), ResumeSettings.OFF, SessionStart.fresh());
  }

  @Test
  void shouldHoldATakenOverSessionsUpdatesUntilItsSocketHadTheSnapshot() {
    outbound.flux().subscribe(sent::add);
    SessionSettings settings = new SessionSettings(Duration.ofMillis(100), Duration.ofSeconds(30), 4096,
        Duration.ofSeconds(90), Duration.ofSeconds(10), Duration.ofSeconds(60), storeTimeout,
        SessionLimits.Settings.NONE);
    AudioFormat format = new AudioFormat("en", 16000, AudioFormat.Codec.PCM16, 1);
    SessionStart start = SessionStart.takenOver(new ResumePoint(40, 64_000, 41, 0, 99), 41, 0, 40, 1);
    GatewaySession s = new GatewaySession("01SESSION", "alice", format, "gw-2", settings, sink,
        new GatewayMetrics(new SimpleMeterRegistry(), () -> 0), outbound, Clock.systemUTC(), timers,
        List.of(AudioDecoder.forFormat(format)), new ResumeSettings(Duration.ofSeconds(60), Duration.ofMillis(250)),
        start);
    // the merger's stt_degraded reaches the new holder while its socket still waits for session_resumed
    s.deliver(SessionUpdate.newBuilder().setSessionId("01SESSION").setRevision(7).setSegments(List.of())
        .setStatus(StatusEvent.newBuilder().setStatus("stt_degraded").setStatusText(null).setMetadata(Map.of())
            .build()).setComplete(false).build());
    outbound.emit("session_resumed");
    outbound.emit("snapshot with stt_degraded");
    s.snapshotSent(7); // the snapshot showed revision 7: the held update is not sent again
    outbound.finish(CloseStatus.NORMAL);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() >= 2);
    assertThat(sent).startsWith("session_resumed", "snapshot with stt_degraded") // then audio_durable, if any
        .filteredOn(f -> f.contains("stt_degraded")).containsExactly("snapshot with stt_degraded");
  }

  @Test
  void shouldNeverPublishSessionEndedAfterAChunkFailedWhileStopWaited() {
    GatewaySession s = session(Duration.ofSeconds(30));
    s.start();
    sink.acks.get(0).complete(null); // SessionStarted: the session is live
    s.onAudio(new byte[3200], s.attachment()).subscribe();
    s.onAudio(new byte[3200], s.attachment()).subscribe();
    s.onText("{\"type\":\"stop\"}");
    sink.acks.get(1).completeExceptionally(new IllegalStateException("refused for good"));
    sink.acks.get(2).complete(null);
    assertThat(sink.records).as("a hole in the sequence: no SessionEnded, ever").noneMatch(r -> r instanceof SessionEnded);
    assertThat(s.ended()).isDone();
    assertThat(outbound.finished()).isTrue();
    assertThat(outbound.closeStatus().getCode()).isEqualTo(1013);
    assertThat(sent).last().asString().contains("kafka_unavailable");
  }

  @Test
  void shouldNeverPublishSessionEndedAfterAChunkFailedWhenTheSocketClosed() {
    GatewaySession s = session(Duration.ofSeconds(30));
    s.start();
    sink.acks.get(0).complete(null);
    s.onAudio(new byte[3200], s.attachment()).subscribe();
    s.onSocketClosed(s.attachment());
    sink.acks.get(1).completeExceptionally(new IllegalStateException("refused for good"));
    assertThat(sink.records).noneMatch(r -> r instanceof SessionEnded);
    assertThat(s.ended()).isDone();
  }

  @Test
  void shouldClose4010AfterStopTimeoutOnlyOnceTheAudioAndSessionEndedAreStored() {
    GatewaySession s = session(Duration.ofSeconds(30), Duration.ofMillis(200), Clock.systemUTC());
    s.start();
    sink.acks.get(0).complete(null);
    s.onAudio(new byte[3200], s.attachment()).subscribe();
    s.onText("{\"type\":\"stop\"}");
    // Kafka has not acknowledged the audio: the app must keep it, so the socket stays open past stop-timeout
    org.awaitility.Awaitility.await("the socket stays open").during(Duration.ofMillis(800))
        .atMost(Duration.ofSeconds(3)).until(() -> !outbound.finished());
    assertThat(s.finishing()).as("resumable elsewhere until stored").isNotDone();

    sink.acks.get(1).complete(null); // Kafka is back: the audio, then SessionEnded
    assertThat(sink.records).last().isInstanceOf(SessionEnded.class);
    assertThat(outbound.finished()).as("SessionEnded not yet acknowledged").isFalse();
    sink.acks.get(2).complete(null);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(outbound::finished);
    assertThat(outbound.closeStatus().getCode()).as("not 1000: the transcript is not complete").isEqualTo(4010);
    assertThat(sent).last().asString().contains("\"transcript_pending\"").contains("/v1/sessions/01SESSION/transcript");
    assertThat(s.ended()).isDone();
    assertThat(s.finishing()).isDone();
  }

  @Test
  void shouldClose1013AudioNotStoredAfterTheStoreTimeoutAndTellAResumedSocketOnceStored() {
    storeTimeout = Duration.ofMillis(400);
    GatewaySession s = session(Duration.ofSeconds(30), Duration.ofMillis(100), Clock.systemUTC());
    s.start();
    sink.acks.get(0).complete(null);
    s.onAudio(new byte[3200], s.attachment()).subscribe();
    s.onText("{\"type\":\"stop\"}");
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(outbound::finished);
    assertThat(outbound.closeStatus().getCode()).isEqualTo(1013);
    assertThat(sent).last().asString().contains("\"audio_not_stored\"");
    s.onSocketClosed(s.attachment());
    assertThat(s.state()).as("still stopping: SessionEnded waits for Kafka").isEqualTo(GatewaySession.State.STOPPING);
    assertThat(s.snapshot().stopping()).isTrue();
    assertThat(s.lingers()).isTrue();

    Outbound second = new Outbound(100);
    List<String> secondSent = new CopyOnWriteArrayList<>();
    second.flux().subscribe(secondSent::add);
    Attached attached = s.attach(second, status -> { }, null);
    assertThat(attached).as("a stopping session takes a socket to hear its close").isNotNull();
    assertThat(attached.from()).as("every message was taken").isEqualTo(1);
    s.snapshotSent(-1);
    sink.acks.get(1).complete(null);
    sink.acks.get(2).complete(null);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(second::finished);
    assertThat(second.closeStatus().getCode()).isEqualTo(4010);
    assertThat(s.finishing()).isDone();
  }

  @Test
  void shouldNotCountTimeTheSocketIsNotReadAsIdle() {
    ManualClock clock = new ManualClock();
    GatewaySession s = session(Duration.ofSeconds(30), Duration.ofSeconds(60), clock);
    s.start();
    sink.acks.get(0).complete(null);
    s.onAudio(new byte[3200], s.attachment()).subscribe();
    CompletableFuture<Void> read = s.onAudio(new byte[3200], s.attachment()).toFuture();
    assertThat(read).as("over the session cap: not read").isNotDone();
    clock.advance(Duration.ofMinutes(5)); // Kafka away for five minutes
    s.tick();
    assertThat(outbound.finished()).as("the app's silence is the gateway's doing").isFalse();
    sink.acks.get(1).complete(null);
    assertThat(read).isDone();
    clock.advance(Duration.ofSeconds(89));
    s.tick();
    assertThat(outbound.finished()).as("reading again counts as activity").isFalse();
    clock.advance(Duration.ofSeconds(1));
    s.tick();
    assertThat(outbound.finished()).isTrue();
    assertThat(outbound.closeStatus().getCode()).isEqualTo(1001);
  }

  @Test
  void shouldStopReadingAtTheSessionCapUntilKafkaAcknowledges() {
    GatewaySession s = session(Duration.ofSeconds(30));
    s.start();
    CompletableFuture<Void> first = s.onAudio(new byte[3200], s.attachment()).toFuture();
    assertThat(first).isDone(); // 3200 unacked < 4096
    CompletableFuture<Void> second = s.onAudio(new byte[3200], s.attachment()).toFuture();
    assertThat(second).as("6400 unacked >= 4096: the socket is not read").isNotDone();
    sink.acks.get(1).complete(null); // the first chunk
    assertThat(second).isDone();
  }

  @Test
  void shouldPublishSessionEndedOnlyAfterEveryEarlierRecordIsAcknowledgedThenWaitForComplete() {
    GatewaySession s = session(Duration.ofSeconds(30));
    s.start();
    s.onAudio(new byte[3200], s.attachment()).subscribe();
    s.onAudio(new byte[3200], s.attachment()).subscribe();
    s.onAudio(new byte[1000], s.attachment()).subscribe(); // held: below 100 ms
    s.onText("{\"type\":\"stop\"}");
    assertThat(sink.records).hasSize(4); // started + 3 chunks, the held audio flushed by stop
    assertThat(sink.records).noneMatch(r -> r instanceof SessionEnded);
    sink.acks.get(0).complete(null);
    sink.acks.get(1).complete(null);
    sink.acks.get(2).complete(null);
    assertThat(sink.records).noneMatch(r -> r instanceof SessionEnded);
    sink.acks.get(3).complete(null);
    assertThat(sink.records).hasSize(5);
    SessionEnded ended = (SessionEnded) sink.records.get(4);
    assertThat(ended.getLastSeq()).isEqualTo(2);
    assertThat(ended.getEndOffsetSamples()).isEqualTo((3200 + 3200 + 1000) / 2);
    assertThat(ended.getReason()).isEqualTo("stop");
    assertThat(((SessionStarted) sink.records.get(0)).getGatewayId()).isEqualTo("gw-1");
    List<Long> offsets = new ArrayList<>();
    sink.records.stream().filter(r -> r instanceof AudioChunk).forEach(r -> offsets.add(((AudioChunk) r).getOffsetSamples()));
    assertThat(offsets).containsExactly(0L, 1600L, 3200L);
    sink.acks.get(4).complete(null);
    assertThat(outbound.finished()).as("waits for the complete transcript").isFalse();
    s.deliver(update(1, true));
    assertThat(outbound.finished()).isTrue();
    assertThat(outbound.closeStatus()).isEqualTo(CloseStatus.NORMAL);
  }

  @Test
  void shouldIgnoreAudioAfterStopAndRevisionsAlreadyDelivered() {
    GatewaySession s = session(Duration.ofSeconds(30));
    s.start();
    s.deliver(update(5, false));
    s.deliver(update(5, false));
    s.deliver(update(4, false));
    s.deliver(update(6, false));
    assertThat(sent).hasSize(2);
    s.stop();
    s.onAudio(new byte[6400], s.attachment()).subscribe();
    assertThat(sink.records).noneMatch(r -> r instanceof AudioChunk);
  }

  @Test
  void shouldPublishHeldAudioAfterTheMaxDelay() {
    GatewaySession s = session(Duration.ofMillis(20));
    s.start();
    s.onAudio(new byte[320], s.attachment()).subscribe();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> sink.records.stream().anyMatch(r -> r instanceof AudioChunk));
    AudioChunk chunk = (AudioChunk) sink.records.get(1);
    assertThat(chunk.getPcm().remaining()).isEqualTo(320);
    assertThat(chunk.getSeq()).isZero();
  }

  @Test
  void shouldEndLikeAStopAtTheMaximumDurationAndClose4011OnceTheTranscriptIsComplete() {
    ManualClock clock = new ManualClock();
    GatewaySession s = session(Duration.ofSeconds(30), Duration.ofSeconds(60), clock,
        new SessionLimits.Settings(1000, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(10)));
    s.start();
    sink.acks.get(0).complete(null);
    s.onAudio(new byte[3200], s.attachment()).subscribe();
    clock.advance(Duration.ofSeconds(9));
    s.tick();
    assertThat(s.state()).isEqualTo(GatewaySession.State.OPEN);
    clock.advance(Duration.ofSeconds(1));
    s.tick();
    assertThat(s.state()).isEqualTo(GatewaySession.State.STOPPING);
    assertThat(sent).last().asString().contains("\"max_session_duration\"").contains("4011");
    s.onAudio(new byte[3200], s.attachment()).subscribe(); // after the limit: not published
    sink.ackAll();
    assertThat(sink.records).last().isInstanceOfSatisfying(SessionEnded.class, e -> {
      assertThat(e.getReason()).isEqualTo("max_duration");
      assertThat(e.getLastSeq()).isZero();
    });
    sink.ackAll();
    assertThat(outbound.finished()).as("waits for the complete transcript, as after stop").isFalse();
    s.deliver(update(1, true));
    assertThat(outbound.closeStatus().getCode()).isEqualTo(4011);
  }

  @Test
  void shouldClose4010NotAfterTheMaximumDurationWhenTheTranscriptIsNotCompleteInTime() {
    ManualClock clock = new ManualClock();
    GatewaySession s = session(Duration.ofSeconds(30), Duration.ofMillis(100), clock,
        new SessionLimits.Settings(1000, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(10)));
    s.start();
    sink.acks.get(0).complete(null);
    clock.advance(Duration.ofSeconds(10));
    s.tick();
    sink.ackAll(); // the audio, then SessionEnded: 4010 only once they are stored
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> sink.records.get(sink.records.size() - 1) instanceof SessionEnded);
    sink.ackAll();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(outbound::finished);
    assertThat(outbound.closeStatus().getCode()).isEqualTo(4010);
  }

  @Test
  void shouldCloseASocketThatSendsOnlyKeepalivesAfterTheNoAudioTimeout() {
    ManualClock clock = new ManualClock();
    GatewaySession s = session(Duration.ofSeconds(30), Duration.ofSeconds(60), clock,
        new SessionLimits.Settings(1000, Duration.ofSeconds(1), Duration.ofHours(12), Duration.ofMinutes(2)));
    s.start();
    sink.acks.get(0).complete(null);
    s.onAudio(new byte[3200], s.attachment()).subscribe();
    for (int i = 0; i < 11; i++) {
      clock.advance(Duration.ofSeconds(10));
      s.touch(); // omi's 2-byte pong
      s.tick();
    }
    assertThat(outbound.finished()).as("110 s of keepalives only").isFalse();
    clock.advance(Duration.ofSeconds(10));
    s.touch();
    s.tick();
    assertThat(outbound.finished()).isTrue();
    assertThat(outbound.closeStatus().getCode()).isEqualTo(1001);
    assertThat(outbound.closeStatus().getReason()).isEqualTo("no audio");
    sink.ackAll();
    assertThat(sink.records).last().isInstanceOfSatisfying(SessionEnded.class,
        e -> assertThat(e.getReason()).isEqualTo("idle_timeout"));
  }

  @Test
  void shouldNotReadTheNextFrameBeforeThePaceAllows() {
    GatewaySession s = session(Duration.ofSeconds(30), Duration.ofSeconds(60), Clock.systemUTC(),
        new SessionLimits.Settings(1.5, Duration.ofMillis(100), Duration.ofHours(12), Duration.ofMinutes(2)));
    s.start();
    sink.acks.get(0).complete(null);
    // 100 ms burst, then 24 samples per ms: one 100 ms frame (1600 samples) beyond the burst waits ~67 ms
    assertThat(s.onAudio(new byte[3200], s.attachment()).toFuture()).isDone();
    sink.ackAll();
    long t0 = System.nanoTime();
    CompletableFuture<Void> paced = s.onAudio(new byte[3200], s.attachment()).toFuture();
    assertThat(paced).as("over the pace: not read yet").isNotDone();
    paced.join();
    assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(60);
  }

  private static SessionUpdate update(long revision, boolean complete) {
    return SessionUpdate.newBuilder().setSessionId("01SESSION").setRevision(revision).setSegments(List.of())
        .setRemovedSegmentIds(List.of())
        .setStatus(StatusEvent.newBuilder().setStatus("ready").setStatusText(null).setMetadata(Map.of()).build())
        .setComplete(complete).build();
  }
}
