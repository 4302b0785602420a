package dev.rstt.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.SessionStarted;
import dev.rstt.gateway.GatewayMetrics;
import dev.rstt.gateway.audio.AudioDecoder;
import dev.rstt.gateway.audio.AudioFormat;
import dev.rstt.gateway.resume.ChannelPoint;
import dev.rstt.gateway.resume.ResumePoint;
import dev.rstt.gateway.resume.ResumeSettings;
import dev.rstt.gateway.resume.SessionStart;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** A two-channel session in omi's framing (docs/CONTRACT.md section 11), with a sink the test acknowledges. */
class MultiChannelSessionTest {

  private static final AudioFormat TWO = new AudioFormat("en", 16000, AudioFormat.Codec.PCM16, 2);

  private final Scheduler timers = Schedulers.newSingle("test-timers");
  private final GatewaySessionTest.ManualSink sink = new GatewaySessionTest.ManualSink();
  private final Outbound outbound = new Outbound(100);
  private final List<String> sent = new CopyOnWriteArrayList<>();

  @AfterEach
  void dispose() {
    timers.dispose();
  }

  private GatewaySession session() {
    return session(ResumeSettings.OFF, SessionStart.fresh());
  }

  private GatewaySession session(ResumeSettings resume, SessionStart start) {
    outbound.flux().subscribe(sent::add);
    SessionSettings settings = new SessionSettings(Duration.ofMillis(100), Duration.ofSeconds(30), 1 << 20,
        Duration.ofSeconds(90), Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(10),
        SessionLimits.Settings.NONE);
    AudioFormat mono = TWO.mono();
    return new GatewaySession("01SESSION", "alice", TWO, "gw-1", settings, sink,
        new GatewayMetrics(new SimpleMeterRegistry(), () -> 0), outbound, Clock.systemUTC(), timers,
        List.of(AudioDecoder.forFormat(mono), AudioDecoder.forFormat(mono)), resume, start);
  }

  private static final ResumeSettings RESUME = new ResumeSettings(Duration.ofSeconds(60), Duration.ofMillis(10));

  /**
   * Every chunk that names an app message ({@code app_frames_end} E) is a cut of both channels: each channel's audio
   * on the topic up to it is exactly its audio of messages {@code [0, E)}; the durable point, once everything is
   * acknowledged, names both channels' numbers there.
   */
  @Test
  void shouldCutBothChannelsAtTheSameMessageSoAMessageIndexIsAPointOfEveryChannel() {
    GatewaySession s = session(RESUME, SessionStart.fresh());
    s.start();
    sink.ackAll();
    Random random = new Random(23);
    List<long[]> samplesBefore = new java.util.ArrayList<>(); // per message index: each channel's samples before it
    long[] samples = new long[3];
    for (int i = 0; i < 120; i++) {
      samplesBefore.add(samples.clone());
      int id = 1 + random.nextInt(2);
      byte[] audio = new byte[2 * (60 + random.nextInt(900))];
      random.nextBytes(audio);
      samples[id] += audio.length / 2;
      s.onAudio(framed(id, audio), s.attachment()).subscribe();
    }
    samplesBefore.add(samples.clone());
    s.onSocketClosed(s.attachment()); // detached: everything held is published (one last cut)
    sink.ackAll();

    long[] onTopic = new long[3];
    int cuts = 0;
    for (SpecificRecord r : sink.records) {
      if (r instanceof AudioChunk a) {
        assertThat(a.getOffsetSamples()).isEqualTo(onTopic[a.getChannel()]);
        onTopic[a.getChannel()] += a.getPcm().remaining() / 2;
        if (a.getAppFramesEnd() != null) {
          cuts++;
          long[] expected = samplesBefore.get(a.getAppFramesEnd().intValue());
          assertThat(onTopic[1]).as("channel 1 at message %d", a.getAppFramesEnd()).isEqualTo(expected[1]);
          assertThat(onTopic[2]).as("channel 2 at message %d", a.getAppFramesEnd()).isEqualTo(expected[2]);
        }
      }
    }
    assertThat(cuts).as("chunks full on either channel cut both").isGreaterThan(10);
    HeldSession held = s.snapshot();
    assertThat(held.durable().frames()).isEqualTo(120);
    assertThat(held.durable().channels()).containsExactly(
        new ChannelPoint(1, samples[1], countChunks(1)), new ChannelPoint(2, samples[2], countChunks(2)));
  }

  private long countChunks(int channel) {
    return sink.records.stream().filter(r -> r instanceof AudioChunk a && a.getChannel() == channel).count();
  }

  /**
   * Only the mic speaks: the other channel has nothing to acknowledge, and the session's audio is durable all the
   * same (each channel's own ledger, the least of them taken, stayed at 0 for the silent channel).
   */
  @Test
  void shouldMakeAudioDurableWhenOneChannelIsSilent() {
    GatewaySession s = session(RESUME, SessionStart.fresh());
    s.start();
    sink.ackAll();
    for (int i = 0; i < 20; i++) {
      s.onAudio(framed(1, new byte[640]), s.attachment()).subscribe();
      sink.ackAll();
    }
    assertThat(s.snapshot().durable().frames()).as("full chunks of the mic are durable").isEqualTo(20);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> sent.stream().anyMatch(m -> m.contains("\"audio_durable\"") && m.contains("\"frames\":20")));
  }

  /**
   * A session taken over at a point of both channels: each channel continues its own timeline and seq, and the
   * messages before the point are dropped (already taken) for both.
   */
  @Test
  void shouldContinueEachChannelsTimelineWhenTakenOver() {
    ResumePoint point = ResumePoint.ofChannels(10, List.of(new ChannelPoint(1, 1600, 3), new ChannelPoint(2, 480, 1)),
        0, 77);
    GatewaySession s = session(RESUME, SessionStart.takenOver(point, 3, 0, 8, 1));
    s.onAudio(framed(1, new byte[640]), s.attachment()).subscribe(); // message 8: taken already
    s.onAudio(framed(2, new byte[640]), s.attachment()).subscribe(); // message 9: taken already
    s.onAudio(framed(2, new byte[320]), s.attachment()).subscribe(); // message 10
    s.onAudio(framed(1, new byte[320]), s.attachment()).subscribe(); // message 11
    s.onSocketClosed(s.attachment());
    sink.ackAll();
    List<AudioChunk> chunks = sink.records.stream().filter(r -> r instanceof AudioChunk).map(r -> (AudioChunk) r)
        .toList();
    assertThat(chunks).extracting(AudioChunk::getChannel, AudioChunk::getSeq, AudioChunk::getOffsetSamples,
            AudioChunk::getAppFramesEnd)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, 3L, 1600L, null),
            org.assertj.core.groups.Tuple.tuple(2, 1L, 480L, 12L));
    assertThat(s.snapshot().durable()).isEqualTo(ResumePoint.ofChannels(12,
        List.of(new ChannelPoint(1, 1760, 4), new ChannelPoint(2, 640, 2)), -1, -1));
  }

  private static byte[] framed(int id, byte[] audio) {
    byte[] message = new byte[audio.length + 1];
    message[0] = (byte) id;
    System.arraycopy(audio, 0, message, 1, audio.length);
    return message;
  }

  private static byte[] pcm(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  @Test
  void shouldPublishEachChannelOnItsOwnTimelineWithOneSessionEndedPerChannel() {
    GatewaySession s = session();
    s.start();
    sink.ackAll();
    Random random = new Random(11);
    ByteArrayOutputStream[] sentPcm = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
    for (int i = 0; i < 40; i++) {
      int id = random.nextInt(3) == 0 ? 2 : 1; // uneven: the mic speaks more than the other side
      byte[] audio = new byte[2 * (80 + random.nextInt(400))];
      random.nextBytes(audio);
      sentPcm[id - 1].writeBytes(audio);
      s.onAudio(framed(id, audio), s.attachment()).subscribe();
      sink.ackAll();
    }
    s.onText("{\"type\":\"stop\"}");
    sink.ackAll();
    sink.ackAll();

    List<SpecificRecord> records = sink.records;
    SessionStarted started = (SessionStarted) records.get(0);
    assertThat(started.getChannels()).isEqualTo(2);
    assertThat(started.getChannelLabels()).hasSize(2);
    for (int channel = 1; channel <= 2; channel++) {
      int c = channel;
      List<AudioChunk> chunks = records.stream().filter(r -> r instanceof AudioChunk a && a.getChannel() == c)
          .map(r -> (AudioChunk) r).toList();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      long offset = 0;
      for (int i = 0; i < chunks.size(); i++) {
        AudioChunk chunk = chunks.get(i);
        assertThat(chunk.getSeq()).as("channel %d seq from 0 without gaps", c).isEqualTo(i);
        assertThat(chunk.getOffsetSamples()).as("channel %d contiguous offsets", c).isEqualTo(offset);
        assertThat(chunk.getChannels()).as("a channel's chunk is mono").isEqualTo(1);
        byte[] bytes = pcm(chunk.getPcm());
        got.writeBytes(bytes);
        offset += bytes.length / 2;
      }
      assertThat(got.toByteArray()).as("channel %d audio, nothing of the other channel", c)
          .isEqualTo(sentPcm[c - 1].toByteArray());
      List<SessionEnded> ends = records.stream().filter(r -> r instanceof SessionEnded e && e.getChannel() == c)
          .map(r -> (SessionEnded) r).toList();
      assertThat(ends).hasSize(1);
      assertThat(ends.get(0).getLastSeq()).isEqualTo(chunks.size() - 1);
      assertThat(ends.get(0).getEndOffsetSamples()).isEqualTo(offset);
    }
    assertThat(records).noneMatch(r -> r instanceof AudioChunk a && a.getChannel() == 0);
    assertThat(records.subList(records.size() - 2, records.size())).allMatch(r -> r instanceof SessionEnded);
  }

  @Test
  void shouldDropOnlyTheAudioOfAnUnknownChannelAndTellTheAppOnce() {
    GatewaySession s = session();
    s.start();
    sink.ackAll();
    byte[] mic = new byte[640];
    new Random(5).nextBytes(mic);
    s.onAudio(framed(1, mic), s.attachment()).subscribe();
    s.onAudio(framed(3, new byte[640]), s.attachment()).subscribe();
    s.onAudio(framed(0, new byte[640]), s.attachment()).subscribe();
    s.onAudio(framed(1, mic), s.attachment()).subscribe();
    s.onText("{\"type\":\"stop\"}");
    sink.ackAll();
    sink.ackAll();

    assertThat(sent.stream().filter(m -> m.contains("unknown_channel"))).as("told once").hasSize(1);
    assertThat(outbound.finished()).as("the socket is not closed for it").isFalse();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    sink.records.stream().filter(r -> r instanceof AudioChunk).map(r -> (AudioChunk) r)
        .forEach(a -> {
          assertThat(a.getChannel()).isEqualTo(1);
          got.writeBytes(pcm(a.getPcm()));
        });
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.writeBytes(mic);
    expected.writeBytes(mic);
    assertThat(got.toByteArray()).isEqualTo(expected.toByteArray());
    assertThat(sink.records.stream().filter(r -> r instanceof SessionEnded)).hasSize(2);
  }
}
