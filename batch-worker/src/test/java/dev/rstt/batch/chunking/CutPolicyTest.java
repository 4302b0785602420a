package dev.rstt.batch.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.testsupport.ToneScript;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CutPolicyTest {

  private static final CutPolicy POLICY = new CutPolicy(Duration.ofSeconds(5), Duration.ofSeconds(30),
      Duration.ofMillis(20), Duration.ofMillis(100), 500, Duration.ofSeconds(3));

  /** Feeds the script in 100 ms frames starting at {@code offset}, cutting as the worker does; flushes at the end. */
  private static List<AudioBuffer.Cut<Integer>> chunk(ToneScript script, long offset, CutPolicy policy) {
    AudioBuffer<Integer> buffer = new AudioBuffer<>(script.sampleRate(), 1, offset);
    List<AudioBuffer.Cut<Integer>> cuts = new ArrayList<>();
    long at = offset;
    int seq = 0;
    for (byte[] frame : script.frames(100)) {
      buffer.append(at, frame, 0, seq++);
      at += frame.length / 2;
      long cut;
      while ((cut = policy.cutPoint(buffer.data(), buffer.frames(), script.sampleRate(), 1)) != CutPolicy.NONE) {
        cuts.add(buffer.cut(cut));
      }
    }
    if (!buffer.isEmpty()) {
      cuts.add(buffer.cutAll());
    }
    return cuts;
  }

  @Test
  void shouldNeverCutInsideAWordAndKeepChunksBetweenMinAndMax() {
    ToneScript script = ToneScript.random(new Random(42), 16000, 150, 900);
    long offset = 123_456;
    List<AudioBuffer.Cut<Integer>> cuts = chunk(script, offset, POLICY);

    assertThat(cuts).hasSizeGreaterThan(3);
    for (int i = 0; i < cuts.size(); i++) {
      AudioBuffer.Cut<Integer> c = cuts.get(i);
      double seconds = (c.endSample() - c.startSample()) / 16000.0;
      assertThat(seconds).isLessThanOrEqualTo(30.0);
      if (i < cuts.size() - 1) {
        assertThat(seconds).isGreaterThanOrEqualTo(5.0);
        for (ToneScript.ExpectedWord w : script.words()) {
          long start = w.startSample() + offset;
          long end = w.endSample() + offset;
          assertThat(c.endSample() <= start || c.endSample() >= end)
              .as("cut at %d inside word %s [%d, %d]", c.endSample(), w.text(), start, end).isTrue();
        }
      }
    }
  }

  @Test
  void shouldKeepTheTimelineContiguousAndLoseNoSample() {
    ToneScript script = ToneScript.random(new Random(7), 8000, 80, 600);
    long offset = 8000 * 17;
    List<AudioBuffer.Cut<Integer>> cuts = chunk(script, offset, POLICY);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    long expectedStart = offset;
    for (AudioBuffer.Cut<Integer> c : cuts) {
      assertThat(c.startSample()).isEqualTo(expectedStart);
      assertThat(c.pcm().length).isEqualTo((int) (c.endSample() - c.startSample()) * 2);
      expectedStart = c.endSample();
      all.writeBytes(c.pcm());
    }
    assertThat(all.toByteArray()).isEqualTo(script.pcm());
  }

  @Test
  void shouldReportEachRecordInEveryCutItSpansAndCompleteItOnlyInTheLast() {
    ToneScript script = ToneScript.random(new Random(3), 16000, 60, 700);
    List<AudioBuffer.Cut<Integer>> cuts = chunk(script, 0, POLICY);
    int frames = script.frames(100).size();
    int[] seen = new int[frames];
    int[] completed = new int[frames];
    for (AudioBuffer.Cut<Integer> c : cuts) {
      c.refs().forEach(r -> seen[r]++);
      c.completed().forEach(r -> {
        completed[r]++;
        assertThat(c.refs()).contains(r);
      });
    }
    for (int i = 0; i < frames; i++) {
      assertThat(completed[i]).as("record %d completed once", i).isEqualTo(1);
      assertThat(seen[i]).isBetween(1, 2);
    }
  }

  private static byte[] sine(int rate, double seconds, double amplitude) {
    int n = (int) (rate * seconds);
    byte[] pcm = new byte[2 * n];
    for (int i = 0; i < n; i++) {
      short v = (short) Math.round(amplitude * Math.sin(2 * Math.PI * 400 * i / rate));
      pcm[2 * i] = (byte) v;
      pcm[2 * i + 1] = (byte) (v >> 8);
    }
    return pcm;
  }

  @Test
  void shouldCutAtTheQuietestPointBeforeMaxChunkWithoutSilence() {
    // loud hum, a quieter (but not silent) 200 ms at 27 s, loud again: no silence run, so the cut lands there
    ByteArrayOutputStream audio = new ByteArrayOutputStream();
    audio.writeBytes(sine(16000, 27.0, 8000));
    audio.writeBytes(sine(16000, 0.2, 1500));
    audio.writeBytes(sine(16000, 12.8, 8000));
    byte[] pcm = audio.toByteArray();
    long cut = POLICY.cutPoint(pcm, pcm.length / 2, 16000, 1);
    assertThat(cut / 16000.0).isBetween(27.0, 27.2);
  }

  @Test
  void shouldNotCutBeforeMinChunkNorWithoutASilenceRun() {
    ToneScript script = ToneScript.numbered(16000, 0, 6, 0, 150); // about 2.8 s
    assertThat(POLICY.cutPoint(script.pcm(), script.sampleCount(), 16000, 1)).isEqualTo(CutPolicy.NONE);
    ToneScript hum = ToneScript.builder(16000).hum(10_000).build();
    assertThat(POLICY.cutPoint(hum.pcm(), hum.sampleCount(), 16000, 1)).isEqualTo(CutPolicy.NONE);
  }

  @Test
  void shouldForceCutInTheLastSilenceAndTellSilentAudio() {
    ToneScript script = ToneScript.numbered(16000, 0, 6, 1, 300);
    long cut = POLICY.forcedCutPoint(script.pcm(), script.sampleCount(), 16000, 1);
    for (ToneScript.ExpectedWord w : script.words()) {
      assertThat(cut <= w.startSample() || cut >= w.endSample()).isTrue();
    }
    assertThat(cut).isGreaterThan(script.words().get(4).endSample());
    assertThat(POLICY.isSilent(new byte[16000], 8000, 16000, 1)).isTrue();
    assertThat(POLICY.isSilent(script.pcm(), script.sampleCount(), 16000, 1)).isFalse();
  }

  @Test
  void shouldFlushAllOnIdleWhenTheBufferEndsInSilenceButKeepAWordStillArriving() {
    ToneScript script = ToneScript.numbered(16000, 0, 4, 0, 300); // ends with 400 ms of silence
    assertThat(POLICY.idleCutPoint(script.pcm(), script.sampleCount(), 16000, 1)).isEqualTo(script.sampleCount());
    // the buffer ends 100 ms into the last word: cut before that word, keep it for the rest of its audio
    ToneScript.ExpectedWord last = script.words().get(3);
    long frames = last.startSample() + 1600;
    long cut = POLICY.idleCutPoint(script.pcm(), frames, 16000, 1);
    assertThat(cut).isGreaterThan(script.words().get(2).endSample()).isLessThanOrEqualTo(last.startSample());
  }

  /**
   * A buffer that stops inside a word's short inner pause (the broker froze right after a 100 ms frame that ended
   * in the 20 ms between two of its tones) does not end in silence: a pause shorter than {@code min-silence} is
   * part of the word, so an idle cut keeps the whole word for the rest of its audio. Cutting there split the word
   * between two batch chunks and neither transcribed it.
   */
  @Test
  void shouldNotTakeAPauseInsideAWordForTheEndOfTheBufferOnIdle() {
    ToneScript script = ToneScript.numbered(16000, 160, 30, 0, 300);
    for (ToneScript.ExpectedWord word : script.words()) {
      for (long end = word.startSample() + 160; end < word.endSample(); end += 160) {
        long cut = POLICY.idleCutPointOrNone(script.pcm(), end, 16000, 1);
        assertThat(cut == CutPolicy.NONE || cut <= word.startSample())
            .as("idle cut %d of a buffer ending at sample %d, inside %s [%d, %d)", cut, end, word.text(),
                word.startSample(), word.endSample())
            .isTrue();
      }
    }
    // the buffer of the failed run: from the idle cut before w167 (4.1 s) to where the broker froze (4.4 s), two
    // tones and two inner pauses into w167; it was flushed whole as [65600, 70400) and transcribed as nothing
    ToneScript.ExpectedWord w167 = script.words().get(7);
    assertThat(w167.startSample() + 2240).isEqualTo(70_400);
    byte[] tail = Arrays.copyOfRange(script.pcm(), 65_600 * 2, 70_400 * 2);
    long cut = POLICY.idleCutPointOrNone(tail, tail.length / 2, 16000, 1);
    assertThat(cut == CutPolicy.NONE || 65_600 + cut <= w167.startSample()).as("idle cut %d of the failed run's buffer",
        cut).isTrue();
    // a buffer whose end is a real pause (at least min-silence) is still flushed whole
    long afterW167 = w167.endSample() + 16000 * 120 / 1000;
    assertThat(POLICY.idleCutPointOrNone(script.pcm(), afterW167, 16000, 1)).isEqualTo(afterW167);
  }
}
