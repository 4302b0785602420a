package dev.rstt.batch.session;

import java.nio.ByteBuffer;

/** What a session asks the shell to do, in order. */
public sealed interface Effect {

  /**
   * Send batch chunk {@code sttSession} (session samples [from, to)) to Deepgram pre-recorded, not before
   * {@code notBefore}. The shell starts chunks strictly oldest first by ({@code oldestAudioAt}, {@code chunkSeq}),
   * and answers with {@link Input.Transcribed} or {@link Input.TranscriptionFailed}. {@code failedRounds}: how many
   * times it failed before (0 on its first try).
   */
  record Transcribe(String sttSession, long fromSamples, long toSamples, int sampleRate, int channels,
      String language, java.util.List<String> keyterms, ByteBuffer pcm, long oldestAudioAt, long chunkSeq,
      int failedRounds, long notBefore) implements Effect {
  }

  /** Publish {@code value}; report its acknowledgement with {@code key}. */
  record Publish(AckKey key, Outbound value) implements Effect {
  }

  /** This input record is done (the commit rule of docs/CONTRACT.md section 5). */
  record RecordDone(RecordRef ref) implements Effect {
  }

  /** A batch chunk was cut ({@code reason}: cut, flush, gap, replay, idle, forced); for metrics and logs. */
  record ChunkCut(String sttSession, long fromSamples, long toSamples, String reason, boolean silent)
      implements Effect {
  }

  /** Audio of a record was all buffered or transcribed before in this episode: skipped as a redelivery. */
  record DuplicateSkipped(long seq, long fromSamples, long toSamples) implements Effect {
  }

  /** The session is over (or its partition gone): forget it. No effect follows. */
  record Finished() implements Effect {
  }
}
