package dev.rstt.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.SessionStarted;
import dev.rstt.gateway.GatewayMetrics;
import dev.rstt.gateway.audio.AudioDecoder;
import dev.rstt.gateway.audio.AudioFormat;
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
    outbound.flux().subscribe(sent::add);
    SessionSettings settings = new SessionSettings(Duration.ofMillis(100), Duration.ofSeconds(30), 1 << 20,
        Duration.ofSeconds(90), Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(10),
        SessionLimits.Settings.NONE);
    AudioFormat mono = TWO.mono();
    return new GatewaySession("01SESSION", "alice", TWO, "gw-1", settings, sink,
        new GatewayMetrics(new SimpleMeterRegistry(), () -> 0), outbound, Clock.systemUTC(), timers,
        List.of(AudioDecoder.forFormat(mono), AudioDecoder.forFormat(mono)), ResumeSettings.OFF,
        SessionStart.fresh());
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
