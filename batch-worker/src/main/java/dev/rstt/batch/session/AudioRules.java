package dev.rstt.batch.session;

import dev.rstt.avro.AudioChunk;
import dev.rstt.batch.chunking.AudioBuffer;
import dev.rstt.batch.chunking.CutPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Degraded audio into batch chunks (docs/CONTRACT.md section 5): appended to the buffer on the session timeline,
 * deduplicated within an episode (audio going back into samples it never had starts it afresh), cut at silence once at least min-chunk long or at the quietest point near
 * max-chunk, at a gap in the timeline, when the format changes, after idle-flush without audio (at the last silence
 * only: never through a word whose rest may be late), and when the worker at its memory cap asks for it.
 */
final class AudioRules {

  private static final Logger log = LoggerFactory.getLogger(SessionCore.class);

  private final SessionState s;
  private ChunkRules chunks;

  AudioRules(SessionState s) {
    this.s = s;
  }

  void wire(ChunkRules chunkRules) {
    this.chunks = chunkRules;
  }

  void onAudio(AudioChunk audio, RecordRef ref) {
    int channels = Math.max(1, audio.getChannels());
    if (s.hasBufferedAudio() && (s.sampleRate != audio.getSampleRate() || s.channels != channels)) {
      flush("flush");
      s.buffer = null;
    }
    s.userId = audio.getUserId();
    s.language = audio.getLanguage();
    s.keyterms = audio.getKeyterms() == null ? java.util.List.of() : audio.getKeyterms();
    s.sampleRate = audio.getSampleRate();
    s.channels = channels;
    byte[] pcm = new byte[audio.getPcm().remaining()];
    audio.getPcm().duplicate().get(pcm);
    long frames = pcm.length / (2L * channels);
    long from = audio.getOffsetSamples();
    long to = from + frames;
    if (frames > 0 && s.nextSample >= 0 && from < s.nextSample
        && !s.accepted.covers(from, Math.min(to, s.nextSample))) {
      replay(from);
    }
    if (frames == 0 || (s.nextSample >= 0 && to <= s.nextSample)) {
      if (frames > 0) {
        log.debug("Ignoring redelivered audio seq {} [{}, {})", audio.getSeq(), from, to);
        s.emit(new Effect.DuplicateSkipped(audio.getSeq(), from, to));
      }
      s.emit(new Effect.RecordDone(ref));
      return;
    }
    int skipBytes = 0;
    if (s.nextSample >= 0 && from < s.nextSample) {
      skipBytes = (int) ((s.nextSample - from) * 2 * channels); // the part already buffered or transcribed
      from = s.nextSample;
    }
    if (s.hasBufferedAudio() && from != s.buffer.endSample()) {
      log.info("Gap in degraded audio at sample {} (buffer ends at {}): cutting there", from, s.buffer.endSample());
      flush("gap");
    }
    if (s.buffer == null) {
      s.buffer = new AudioBuffer<>(s.sampleRate, channels, from);
    }
    if (s.episode == null) {
      s.episode = new Episode(++s.episodes, from);
      s.episodeEnd = -1;
      log.info("Degraded audio from sample {} ({} s): episode {}", from,
          String.format("%.3f", (double) from / s.sampleRate), s.episode.number());
      if (s.mode() == SessionMode.WAITING) {
        s.transitionTo(SessionMode.DEGRADED, "degraded audio");
      }
    }
    s.buffer.append(from, pcm, skipBytes, new HeldRecord(ref, s.now));
    s.accepted.add(from, to);
    s.nextSample = to;
    s.episodeEnd = Math.max(s.episodeEnd, to);
    s.lastAudioAt = s.now;
    s.idleCuts = 0;
    while (true) {
      long cut = s.policy.cutPoint(s.buffer.data(), s.buffer.frames(), s.buffer.sampleRate(), s.buffer.channels());
      if (cut == CutPolicy.NONE) {
        break;
      }
      chunks.cut(s.buffer.cut(cut), "cut");
    }
  }

  /**
   * Audio that goes back before what the episode accepted last and was not all accepted: re-routed by an STT worker
   * that took the session over, from its committed offset, which lies before this episode or in one of its gaps
   * (the chunks there were on a live connection that died with the previous owner; nobody finalised them,
   * docs/CONTRACT.md sections 4-5). Dropping it as a redelivery would lose it: the episode's deduplication starts
   * afresh there, like a new episode's, and what follows is transcribed again (the merger drops the copies).
   */
  private void replay(long from) {
    log.info("Degraded audio from sample {} goes back into audio this episode never had (accepted up to {}): "
        + "re-routed by a take-over, transcribed again from there", from, s.nextSample);
    flush("replay");
    s.nextSample = -1;
    s.accepted.clear();
    if (s.episode != null) {
      s.episode = new Episode(s.episode.number(), Math.min(s.episode.startSample(), from));
    }
  }

  /** Everything buffered becomes a chunk (LiveResumed, SessionEnded, a gap, a new format, a long-idle tail). */
  void flush(String why) {
    if (s.hasBufferedAudio()) {
      chunks.cut(s.buffer.cutAll(), why);
    }
  }

  /**
   * No audio for idle-flush (while the worker reads): cut at the last silence, every idle period. A tail with no
   * silence may be a word whose rest is only late (an STT worker or the broker held up): it waits for more audio,
   * LiveResumed or SessionEnded, and is flushed whole only once the session has been idle for twice
   * session-retention (it will never end otherwise).
   */
  void onTick() {
    long idle = s.settings.idleFlush().toNanos();
    if (s.paused || !s.hasBufferedAudio() || s.now - s.lastAudioAt < idle) {
      return;
    }
    s.idleCuts++;
    s.lastAudioAt = s.now;
    long cut = s.policy.idleCutPointOrNone(s.buffer.data(), s.buffer.frames(), s.buffer.sampleRate(),
        s.buffer.channels());
    if (cut != CutPolicy.NONE) {
      log.debug("No audio for {} idle period(s): cutting at the last silence", s.idleCuts);
      chunks.cut(s.buffer.cut(cut), "idle");
    } else if (s.idleCuts * idle >= 2 * s.settings.sessionRetention().toNanos()) {
      log.info("No audio for {} idle periods (twice the session retention): flushing a tail without silence",
          s.idleCuts);
      flush("idle");
    } else {
      log.debug("No audio for {} idle period(s): holding a tail without silence (a word may still arrive)",
          s.idleCuts);
    }
  }

  /** The worker at its memory cap waits for this session's audio: cut at its last silence. */
  void forceCut() {
    if (!s.hasBufferedAudio()) {
      return;
    }
    long cut = s.policy.forcedCutPoint(s.buffer.data(), s.buffer.frames(), s.buffer.sampleRate(),
        s.buffer.channels());
    log.info("Paused at the memory cap with every session waiting for audio: forcing a cut");
    chunks.cut(s.buffer.cut(cut), "forced");
  }
}
