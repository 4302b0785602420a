package dev.rstt.batch.session;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.LiveResumed;
import dev.rstt.avro.SessionEnded;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One session's records on {@code audio.degraded} as STT workers write them (docs/CONTRACT.md sections 3-4), for
 * the randomized test: a tape of tone words and pauses cut into chunks; live stretches (nothing written) and
 * degraded episodes (every chunk written, in order); a {@code LiveResumed} at the switch back; the next episode
 * starting at the switch or up to 2 s before it (the overlap of a recovery connection that died); a cold take-over
 * that resumes live, sometimes before audio already rerouted; chunks written twice (a send that failed but was
 * written); a restart of the episode from an earlier chunk (a new owner re-routing from its committed offset, at or
 * before the episode's start when the chunks before were on a live connection that died with the old owner); a
 * gap; and at the end a {@code SessionEnded} (sometimes twice, sometimes followed by a new owner's replay of the
 * session's tail and its own {@code SessionEnded}), or nothing (the gateway vanished, or the session ended live).
 */
final class Upstream {

  enum Kind { AUDIO, RESUMED, ENDED }

  /** One record of the partition. */
  record Rec(int offset, Kind kind, long seq, long from, long to, boolean cold, Object value) {
  }

  static final int RATE = 8_000;

  final short[] tape;
  final int chunk;
  final int chunks;
  final List<Rec> log = new ArrayList<>();
  private final Random rnd;
  private final boolean vanishes;
  private int pos;
  private boolean degraded;
  private int episodeFirst = -1;
  private int lastResume = -1;
  private boolean done;
  private boolean replayedEnd;
  /** No more faults: the rest of the session is written plainly. */
  boolean calm;

  Upstream(Random rnd) {
    this.rnd = rnd;
    this.chunk = RATE / 1000 * (20 + 20 * rnd.nextInt(10)); // 20..200 ms
    short[] samples = new short[0];
    int length = 0;
    int words = 5 + rnd.nextInt(40);
    for (int w = 0; w < words; w++) {
      int pause = RATE * (30 + rnd.nextInt(700)) / 1000;
      int len = RATE * (80 + rnd.nextInt(400)) / 1000;
      samples = java.util.Arrays.copyOf(samples, length + pause + len);
      length += pause;
      double freq = 300 + rnd.nextInt(1500);
      for (int i = 0; i < len; i++) {
        samples[length++] = (short) (9_000 * Math.sin(2 * Math.PI * freq * i / RATE));
      }
    }
    this.chunks = (length + chunk - 1) / chunk;
    this.tape = java.util.Arrays.copyOf(samples, chunks * chunk);
    this.vanishes = rnd.nextInt(8) == 0;
    this.degraded = rnd.nextBoolean();
    this.episodeFirst = degraded ? 0 : -1;
  }

  boolean done() {
    return done;
  }

  /** PCM16LE of tape samples [from, to). */
  byte[] pcm(long from, long to) {
    ByteBuffer b = ByteBuffer.allocate((int) (to - from) * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (long i = from; i < to; i++) {
      b.putShort(tape[(int) i]);
    }
    return b.array();
  }

  /** Writes the next record(s), if any. */
  void step() {
    if (done) {
      return;
    }
    if (pos >= chunks) {
      finish();
      return;
    }
    int r = calm ? 99 : rnd.nextInt(100);
    if (degraded) {
      if (r < 6) {
        resume(false);
      } else if (r < 10 && !lastIsNot(Kind.AUDIO)) {
        Rec last = log.get(log.size() - 1);
        write(Kind.AUDIO, last.seq, last.from, last.to, false, last.value); // written twice
      } else if (r < 12) {
        pos = episodeFirst + rnd.nextInt(pos - episodeFirst + 1); // re-routed again from an earlier chunk
      } else if (r < 13) {
        episodeFirst = Math.max(0, episodeFirst - 1 - rnd.nextInt(20)); // from before the episode's start
        pos = episodeFirst;
      } else if (r < 14) {
        pos = Math.min(chunks, pos + 1 + rnd.nextInt(30)); // never re-routed
      } else {
        audio(pos++);
      }
    } else {
      if (r < 12) {
        degraded = true;
        if (lastResume >= 0 && rnd.nextInt(3) == 0) {
          // the recovery connection died: its overlap before S (up to 2 s) and what it did not finalise again
          pos = Math.max(0, lastResume - 1 - rnd.nextInt(2_000 * RATE / 1000 / chunk));
        }
        episodeFirst = pos;
      } else if (r < 14) {
        resume(true); // a cold take-over: resumes live where it took over (behind what was re-routed, maybe)
      } else {
        pos++; // transcribed live: not written here
      }
    }
  }

  private void resume(boolean cold) {
    long at = cold ? (long) Math.max(0, pos - rnd.nextInt(5)) * chunk : (long) pos * chunk;
    write(Kind.RESUMED, 0, at, at, cold, LiveResumed.newBuilder().setSessionId(Driver.ID).setUserId("u1")
        .setResumeOffsetSamples(at).setSampleRate(RATE).setLiveSttSession("live").setColdTakeover(cold).build());
    degraded = false;
    lastResume = (int) (at / chunk);
    episodeFirst = -1;
  }

  /** Ends the session: SessionEnded is forwarded to audio.degraded when it ends degraded (or taken over cold). */
  private void finish() {
    if (!vanishes && (degraded || rnd.nextInt(4) == 0)) {
      long end = (long) chunks * chunk;
      SessionEnded ended = SessionEnded.newBuilder().setSessionId(Driver.ID).setUserId("u1").setLastSeq(chunks - 1)
          .setEndOffsetSamples(end).setSampleRate(RATE).setReason("stop").build();
      write(Kind.ENDED, 0, end, end, false, ended);
      if (!calm && rnd.nextInt(5) == 0) {
        write(Kind.ENDED, 0, end, end, false, ended);
      }
      if (!calm && !replayedEnd && rnd.nextInt(6) == 0) {
        // the owner that forwarded the end died before committing: a new one re-routes from its committed offset
        replayedEnd = true;
        degraded = true;
        pos = rnd.nextInt(chunks);
        episodeFirst = pos;
        return;
      }
    }
    done = true;
  }

  private void audio(int index) {
    long from = (long) index * chunk;
    long to = from + chunk;
    AudioChunk a = AudioChunk.newBuilder().setSessionId(Driver.ID).setUserId("u1").setSeq(index)
        .setOffsetSamples(from).setSampleRate(RATE).setChannels(1).setLanguage("en")
        .setPcm(ByteBuffer.wrap(pcm(from, to))).build();
    write(Kind.AUDIO, index, from, to, false, a);
  }

  private boolean lastIsNot(Kind kind) {
    return log.isEmpty() || log.get(log.size() - 1).kind != kind;
  }

  private void write(Kind kind, long seq, long from, long to, boolean cold, Object value) {
    log.add(new Rec(log.size(), kind, seq, from, to, cold, value));
  }
}
