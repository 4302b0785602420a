package dev.rstt.stt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.avro.AudioChunk;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SttHopsTest {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final AtomicLong wall = new AtomicLong(1_000_000);
  private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
  private final SttHops hops = new SttHops(meters, wall::get, nanos::get);

  private static AudioChunk chunk(String session, long seq) {
    return AudioChunk.newBuilder().setSessionId(session).setSeq(seq).setOffsetSamples(seq * 1600).setSampleRate(16000)
        .setChannels(1).setLanguage("en").setPcm(ByteBuffer.allocate(3200)).build();
  }

  private Timer timer(String name) {
    return meters.get(name).timer();
  }

  @Test
  void shouldTimeAChunkFromItsRecordToItsFirstSendOnly() {
    hops.read(chunk("s", 0), 1_000_000 - 40);
    wall.addAndGet(15);
    hops.sent(chunk("s", 0));
    hops.sent(chunk("s", 0)); // sent again to a new connection: not a second measure
    assertThat(timer(SttHops.AUDIO).count()).isEqualTo(1);
    assertThat(timer(SttHops.AUDIO).totalTime(TimeUnit.MILLISECONDS)).isEqualTo(55);
    assertThat(hops.held()).isZero();
  }

  @Test
  void shouldForgetReroutedChunksAndTheOldestBeyondTheBound() {
    hops.read(chunk("s", 0), 1);
    hops.rerouted(chunk("s", 0));
    hops.sent(chunk("s", 0));
    assertThat(timer(SttHops.AUDIO).count()).isZero();
    for (int i = 0; i < SttHops.MAX_HELD + 10; i++) {
      hops.read(chunk("t", i), 1);
    }
    assertThat(hops.held()).isEqualTo(SttHops.MAX_HELD);
    hops.sent(chunk("t", 0)); // evicted
    hops.sent(chunk("t", SttHops.MAX_HELD + 9));
    assertThat(timer(SttHops.AUDIO).count()).isEqualTo(1);
  }

  @Test
  void shouldTimeSegmentsFromTheFinalsArrivalAndSkipUnstampedOnes() {
    hops.segmentsAcked(nanos.get() - 7_000_000);
    hops.segmentsAcked(-1);
    assertThat(timer(SttHops.SEGMENTS).count()).isEqualTo(1);
    assertThat(timer(SttHops.SEGMENTS).totalTime(TimeUnit.MILLISECONDS)).isEqualTo(7);
  }
}
