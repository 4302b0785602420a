package dev.rstt.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pace, quiet and length rules of one session, with the time passed in. */
class SessionLimitsTest {

  /** 16 kHz mono, 1.5x, 1 s burst, 1 h max, 10 s without audio, 90 s idle. */
  private static SessionLimits limits(long nowMs) {
    return new SessionLimits(new SessionLimits.Settings(1.5, Duration.ofSeconds(1), Duration.ofHours(1),
        Duration.ofSeconds(10)), Duration.ofSeconds(90), 16000, nowMs);
  }

  @Test
  void shouldLetAudioThroughAtOneAndAHalfTimesRealTimeAfterTheBurst() {
    SessionLimits limits = limits(0);
    // the burst: 1 s of audio at once, then 1.5x real time: 24 samples per ms
    assertThat(limits.audio(16000, 0)).isZero();
    assertThat(limits.audio(2400, 0)).as("100 ms more at once: wait until 2400 samples refilled").isEqualTo(100);
    assertThat(limits.audio(2400, 100)).isEqualTo(100);
    assertThat(limits.audio(2400, 300)).as("on pace").isZero();
  }

  @Test
  void shouldHoldAClientSendingTenTimesRealTimeToOneAndAHalfOverAnyLongRun() {
    Random random = new Random(17);
    for (int run = 0; run < 200; run++) {
      SessionLimits limits = limits(0);
      long now = 0;
      long samples = 0;
      int frames = 50 + random.nextInt(500);
      for (int i = 0; i < frames; i++) {
        int frameSamples = 160 * (1 + random.nextInt(12)); // 10..120 ms, as Opus frames decode
        samples += frameSamples;
        long wait = limits.audio(frameSamples, now);
        // the client sends 10x real time, but the next frame is read only after the wait
        now += Math.max(wait, frameSamples / 160);
      }
      double audioMs = samples / 16.0;
      assertThat(audioMs).as("run %d: audio read by %d ms", run, now)
          .isLessThanOrEqualTo(1000 + 1.5 * now + 120 * 16 / 16.0);
      assertThat(audioMs).as("run %d: not held slower than the pace", run).isGreaterThanOrEqualTo(1.5 * now - 1);
    }
  }

  @Test
  void shouldNotAccumulateMoreThanTheBurstWhileQuiet() {
    SessionLimits limits = limits(0);
    assertThat(limits.audio(16000, 3_600_000)).as("an hour of silence is still one burst").isZero();
    assertThat(limits.audio(160, 3_600_000)).isPositive();
  }

  @Test
  void shouldCloseASocketThatSendsOnlyKeepalivesAfterTheNoAudioTimeout() {
    SessionLimits limits = limits(0);
    limits.audio(160, 0);
    for (long t = 1000; t < 10_000; t += 1000) {
      limits.touch(t); // a keepalive every second keeps it from being idle, not from being without audio
      assertThat(limits.check(t)).isEqualTo(SessionLimits.Verdict.NONE);
    }
    limits.touch(10_000);
    assertThat(limits.check(10_000)).isEqualTo(SessionLimits.Verdict.NO_AUDIO);
  }

  @Test
  void shouldNotCountTimeTheGatewayDoesNotReadAsQuiet() {
    SessionLimits limits = limits(0);
    limits.paused();
    assertThat(limits.check(600_000)).isEqualTo(SessionLimits.Verdict.NONE);
    limits.resumed(600_000);
    assertThat(limits.check(609_999)).isEqualTo(SessionLimits.Verdict.NONE);
    assertThat(limits.check(610_000)).isEqualTo(SessionLimits.Verdict.NO_AUDIO);
  }

  @Test
  void shouldBeIdleWithoutAnyMessage() {
    SessionLimits limits = new SessionLimits(new SessionLimits.Settings(1.5, Duration.ofSeconds(1),
        Duration.ofHours(1), Duration.ofHours(1)), Duration.ofSeconds(90), 16000, 0);
    assertThat(limits.check(89_999)).isEqualTo(SessionLimits.Verdict.NONE);
    assertThat(limits.check(90_000)).isEqualTo(SessionLimits.Verdict.IDLE);
  }

  @Test
  void shouldReportTheMaximumDurationOnceWhateverTheTraffic() {
    SessionLimits limits = limits(1000);
    limits.touch(3_600_999); // every message touches; audio also counts for the pace and the no-audio rule
    limits.audio(160, 3_600_999);
    assertThat(limits.check(3_600_999)).isEqualTo(SessionLimits.Verdict.NONE);
    assertThat(limits.check(3_601_000)).isEqualTo(SessionLimits.Verdict.MAX_DURATION);
    limits.touch(3_601_001);
    assertThat(limits.check(3_601_001)).isEqualTo(SessionLimits.Verdict.NONE);
  }
}
