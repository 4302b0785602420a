package dev.rstt.stt.session;

import dev.rstt.avro.AudioChunk;

/** What a session asks the shell to do, in order. */
public sealed interface Effect {

  // ---- breaker

  /**
   * Ask the deepgram-live breaker for one connection attempt. Always the last effect of its batch; the shell
   * answers at once with {@link Input.Permitted} or {@link Input.Denied}.
   */
  record AcquirePermission() implements Effect {
  }

  /** The attempt of this connection succeeded: the socket proved itself (a final, a clean close, or alive). */
  record AttemptProved(String sttSession) implements Effect {
  }

  /** This socket died (closed abnormally, failed, stalled, no close in time): a breaker failure. */
  record SocketDied(String sttSession, String reason, String detail) implements Effect {
  }

  // ---- live socket {@code sttSession}

  record OpenSocket(String sttSession, String language, int sampleRate, int channels, java.util.List<String> keyterms,
      boolean recovery) implements Effect {
  }

  record SendAudio(String sttSession, AudioChunk chunk) implements Effect {
  }

  record KeepAlive(String sttSession) implements Effect {
  }

  record Finalize(String sttSession) implements Effect {
  }

  record CloseStream(String sttSession) implements Effect {
  }

  /** Drop the socket (or the queued or in-flight handshake); no more inputs are wanted from it. */
  record AbortSocket(String sttSession) implements Effect {
  }

  // ---- Kafka

  /** Publish {@code value}; report the outcome with {@code key}. */
  record Publish(AckKey key, Outbound value) implements Effect {
  }

  /** This input record is done (the commit rule of docs/CONTRACT.md section 3). */
  record RecordDone(RecordRef ref) implements Effect {
  }

  /**
   * A chunk repeated audio the session already had on its timeline (a resumed app socket, docs/CONTRACT.md section
   * 9): {@code samples} of it were dropped, not transcribed again (the whole chunk, or its start).
   */
  record RepeatDropped(long samples) implements Effect {
  }

  /** The session is over: forget it. No effect follows. */
  record Finished() implements Effect {
  }
}
