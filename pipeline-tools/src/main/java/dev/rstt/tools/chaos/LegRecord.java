package dev.rstt.tools.chaos;

import dev.rstt.testsupport.ToneScript.ExpectedWord;
import java.util.List;

/**
 * One app socket of a chaos session, as the driver saw it. A socket that drops (the app's network, a gateway killed)
 * is followed by one that resumes the same pipeline session (docs/CONTRACT.md section 10) and resends from the
 * message index the gateway gives; only when the resume is refused (the session ended meanwhile) does the app start
 * a new pipeline session, whose timeline starts at the first message it did not know to be durable.
 *
 * @param session the chaos session (slot and number), e.g. {@code s03-2}
 * @param leg 0 for the first socket, 1 for the next, ...
 * @param script every word of the session's script (script timeline)
 * @param firstSample where on the script this socket began sending
 * @param sentSamples how much of the script this socket sent
 * @param gateway index of the gateway the socket was on
 * @param sessionId the pipeline's session id ({@code session_started}, {@code session_resumed}, or the id whose
 *     resume was refused)
 * @param stopSentAtMs when {@code stop} was sent, or null
 * @param closeCode the close code, {@link #ERROR} for a socket that failed without a close frame, {@link #NEVER}
 *     for one that did not close in time (then the driver aborted it)
 * @param errorCode the {@code code} of an {@code error} message received, or null
 * @param stored the transcript endpoint's answer after the run; null if not read
 * @param durable what Kafka holds of this session; read for sessions that did not end with a close after stop
 * @param sessionBase where on the script the pipeline session's timeline starts
 * @param resumed this socket resumed the session (or tried: a refused resume sends nothing, close 1008)
 * @param dropped the app aborted this socket itself (a {@code socket_drop} fault)
 */
public record LegRecord(String session, int leg, String userId, List<ExpectedWord> script, int sampleRate,
    long firstSample, long sentSamples, int gateway, String sessionId, long startedAtMs, Long stopSentAtMs,
    int closeCode, String closeReason, String errorCode, long closedAtMs, List<AppEvent> events,
    StoredTranscript stored, DurablePosition durable, long sessionBase, boolean resumed, boolean dropped) {

  public static final int ERROR = -1;
  public static final int NEVER = -2;
  /** The error code of a refused resume. */
  public static final String NOT_RESUMABLE = "session_not_resumable";

  public LegRecord {
    script = List.copyOf(script);
    events = List.copyOf(events);
  }

  /** A socket that started a new pipeline session at {@code firstSample}. */
  public LegRecord(String session, int leg, String userId, List<ExpectedWord> script, int sampleRate,
      long firstSample, long sentSamples, int gateway, String sessionId, long startedAtMs, Long stopSentAtMs,
      int closeCode, String closeReason, String errorCode, long closedAtMs, List<AppEvent> events,
      StoredTranscript stored, DurablePosition durable) {
    this(session, leg, userId, script, sampleRate, firstSample, sentSamples, gateway, sessionId, startedAtMs,
        stopSentAtMs, closeCode, closeReason, errorCode, closedAtMs, events, stored, durable, firstSample, false,
        false);
  }

  /** A resume the gateway refused: the session had ended. */
  public boolean refusedResume() {
    return resumed && NOT_RESUMABLE.equals(errorCode);
  }

  public LegRecord withStored(StoredTranscript s) {
    return new LegRecord(session, leg, userId, script, sampleRate, firstSample, sentSamples, gateway, sessionId,
        startedAtMs, stopSentAtMs, closeCode, closeReason, errorCode, closedAtMs, events, s, durable, sessionBase,
        resumed, dropped);
  }

  public LegRecord withDurable(DurablePosition d) {
    return new LegRecord(session, leg, userId, script, sampleRate, firstSample, sentSamples, gateway, sessionId,
        startedAtMs, stopSentAtMs, closeCode, closeReason, errorCode, closedAtMs, events, stored, d, sessionBase,
        resumed, dropped);
  }
}
