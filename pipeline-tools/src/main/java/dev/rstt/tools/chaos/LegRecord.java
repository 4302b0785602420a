package dev.rstt.tools.chaos;

import dev.rstt.testsupport.ToneScript.ExpectedWord;
import java.util.List;

/**
 * One app socket of a chaos session, as the driver saw it. A session whose socket was cut (a gateway killed) goes on
 * in a new socket, a new pipeline session whose timeline starts at the first frame the cut one did not send: the
 * script is the same, {@code firstSample} says where on it this socket began, {@code sentSamples} how much of it
 * this socket sent.
 *
 * @param session the chaos session (slot and number), e.g. {@code s03-2}
 * @param leg 0 for the first socket, 1 after the first cut, ...
 * @param script every word of the session's script (script timeline)
 * @param gateway index of the gateway the socket was on
 * @param sessionId the pipeline's session id ({@code session_started})
 * @param stopSentAtMs when {@code stop} was sent, or null
 * @param closeCode the close code, {@link #ERROR} for a socket that failed without a close frame, {@link #NEVER}
 *     for one that did not close in time (then the driver aborted it)
 * @param errorCode the {@code code} of an {@code error} message received, or null
 * @param stored the transcript endpoint's answer after the run; null if not read
 * @param durable what Kafka holds of this session; read only for a socket cut by a gateway kill
 */
public record LegRecord(String session, int leg, String userId, List<ExpectedWord> script, int sampleRate,
    long firstSample, long sentSamples, int gateway, String sessionId, long startedAtMs, Long stopSentAtMs,
    int closeCode, String closeReason, String errorCode, long closedAtMs, List<AppEvent> events,
    StoredTranscript stored, DurablePosition durable) {

  public static final int ERROR = -1;
  public static final int NEVER = -2;

  public LegRecord {
    script = List.copyOf(script);
    events = List.copyOf(events);
  }

  public LegRecord withStored(StoredTranscript s) {
    return new LegRecord(session, leg, userId, script, sampleRate, firstSample, sentSamples, gateway, sessionId,
        startedAtMs, stopSentAtMs, closeCode, closeReason, errorCode, closedAtMs, events, s, durable);
  }

  public LegRecord withDurable(DurablePosition d) {
    return new LegRecord(session, leg, userId, script, sampleRate, firstSample, sentSamples, gateway, sessionId,
        startedAtMs, stopSentAtMs, closeCode, closeReason, errorCode, closedAtMs, events, stored, d);
  }
}
