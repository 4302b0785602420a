package dev.rstt.gateway.resume;

import dev.rstt.avro.SessionPosition;
import dev.rstt.gateway.audio.AudioFormat;

/**
 * Whether a socket may resume a session, and how (docs/CONTRACT.md section 10). An unknown session, an ended one,
 * one past its window and another user's get the same refusal ({@code session_not_resumable}), so an answer never
 * tells whether a session id exists. Only the session's own user learns more (a format that differs from the
 * session's, a resend index that would leave a gap). A window never runs out over time in which session.positions
 * could not be read or written (no holder could have kept its position current then): it counts from the later of
 * the session's last sign and the end of that time; and a gateway whose copy of the topic is not current judges no
 * session it does not hold for the session's own user: it answers "try again" ({@code resume_unavailable}) to all.
 * Pure: the time and the view's trust are passed in.
 */
public final class ResumeAdmission {

  public static final String NOT_RESUMABLE = "session_not_resumable";
  public static final String MISMATCH = "resume_mismatch";
  public static final String INVALID_FROM = "invalid_resume_from";
  public static final String UNAVAILABLE = "resume_unavailable";

  private ResumeAdmission() {
  }

  /** The resuming socket: its verified user, its query's format, and the index it sends from (null: as told). */
  public record Request(String userId, AudioFormat format, Long from) {
  }

  /**
   * The session as held by this gateway.
   *
   * @param resumable its audio may still continue (open, or detached without stop)
   * @param detachedAtMs when its last socket went away, or null while one is attached
   * @param expected the first message index it still needs
   */
  public record Held(String userId, AudioFormat format, boolean resumable, Long detachedAtMs, long expected) {
  }

  public sealed interface Decision {
  }

  /** Close 1008 with {@code code}. */
  public record Refused(String code, String message) implements Decision {
  }

  /**
   * Attach the socket to the session held here; the app sends from {@code from}, or (null) from the first message
   * the session still needs when the socket attaches (its old socket may still be read until then).
   */
  public record AttachHere(Long from) implements Decision {
  }

  /**
   * Take the session over from {@code previousOwner} with {@code epoch}; when {@code waitForRelease}, the previous
   * owner may be alive and is given the handover timeout to drain and release it.
   */
  public record TakeOver(String previousOwner, int epoch, boolean waitForRelease) implements Decision {
  }

  /** Close 1013 {@code resume_unavailable}: session.positions cannot be judged now; the app retries. */
  public record Unavailable(String message) implements Decision {
  }

  /** The answer while this gateway's copy of session.positions is not current. */
  public static final Unavailable UNCERTAIN = new Unavailable(
      "session.positions cannot be read right now; retry the resume");

  /** The one answer for an unknown, ended, expired or another user's session. */
  public static final Refused REFUSED = new Refused(NOT_RESUMABLE,
      "the session cannot be resumed (unknown, ended, expired or not yours); start a new session");

  /**
   * @param held the session if this gateway holds it, else null
   * @param known the session's latest position on session.positions, else null (never written, or ended)
   * @param me this gateway's instance id
   * @param windowMs how long a session without a socket stays resumable
   * @param leaseMs how often a holder rewrites the position of a session it holds (a crashed holder's session
   *     counts as detached from its last write)
   * @param view how far this gateway's copy of session.positions can be trusted now
   */
  public static Decision decide(Request request, Held held, SessionPosition known, String me, long nowMs,
      long windowMs, long leaseMs, PositionsFreshness.State view) {
    if (held != null && held.userId().equals(request.userId())) {
      if (!held.resumable() || (held.detachedAtMs() != null
          && windowOver(held.detachedAtMs(), nowMs, windowMs, 0, view))) {
        return REFUSED;
      }
      if (!sameFormat(held.format(), request.format())) {
        return mismatch(held.format());
      }
      Long from = request.from();
      if (from != null && (from < 0 || from > held.expected())) {
        return invalidFrom(from, held.expected());
      }
      return new AttachHere(from);
    }
    if (!view.current()) {
      return UNCERTAIN; // the same answer for every session not the asker's own held here
    }
    if (held != null || known == null || !known.getUserId().equals(request.userId())
        || expired(known, nowMs, windowMs, leaseMs, view)) {
      return REFUSED;
    }
    AudioFormat format = formatOf(known);
    if (!sameFormat(format, request.format())) {
      return mismatch(format);
    }
    String owner = known.getOwner();
    boolean free = owner.isEmpty() || owner.equals(me); // released at a shutdown, or held by my previous run
    return new TakeOver(owner, known.getEpoch() + 1, !free);
  }

  /**
   * A session with no socket for longer than the window (counted from its last write plus the lease if its holder
   * died), time in which session.positions could not be read or written not counted.
   */
  static boolean expired(SessionPosition p, long nowMs, long windowMs, long leaseMs, PositionsFreshness.State view) {
    if (PositionStates.DETACHED.equals(p.getState()) && p.getDetachedAtMs() != null) {
      return nowMs > view.countFrom(p.getDetachedAtMs()) + windowMs;
    }
    return nowMs > view.countFrom(p.getUpdatedAtMs()) + leaseMs + windowMs;
  }

  /**
   * The holder's own rule for a session detached here since {@code detachedAtMs}: its window (and {@code graceMs})
   * passed, counted like {@link #expired}; never while session.positions is not current (an app that could not
   * resume elsewhere meanwhile still has its window).
   */
  public static boolean windowOver(long detachedAtMs, long nowMs, long windowMs, long graceMs,
      PositionsFreshness.State view) {
    return view.current() && nowMs > view.countFrom(detachedAtMs) + windowMs + graceMs;
  }

  /**
   * A session no gateway holds any more and nobody resumed: past its window (counted as in {@link #decide}) by a
   * further {@code graceMs} (its holder, if alive, ends its detached sessions by then). Some gateway ends it for the
   * dead holder ({@code client_closed}); a claim on session.positions decides which one.
   */
  public static boolean orphaned(SessionPosition p, boolean heldHere, long nowMs, long windowMs,
      long leaseMs, long graceMs, PositionsFreshness.State view) {
    return p != null && !heldHere && view.current() && expired(p, nowMs - graceMs, windowMs, leaseMs, view);
  }

  /** The resume index the app asked for leaves a gap: refused, the session stays resumable. */
  public static Refused invalidFrom(long from, long expected) {
    return new Refused(INVALID_FROM, "resume_from " + from + " is past the first message the session still needs ("
        + expected + "); resend from " + expected + " or earlier");
  }

  private static Refused mismatch(AudioFormat format) {
    return new Refused(MISMATCH, "the session was started with codec=" + format.codec().wireName() + ", sample_rate="
        + format.sampleRate() + ", channels=" + format.channels() + ", language=" + format.language() + " and "
        + format.keyterms().size() + " keyterm(s); resume with the same parameters");
  }

  public static AudioFormat formatOf(SessionPosition p) {
    return new AudioFormat(p.getLanguage(), p.getSampleRate(), AudioFormat.Codec.ofWireName(p.getCodec()),
        p.getChannels(), p.getKeyterms() == null ? java.util.List.of() : p.getKeyterms());
  }

  static boolean sameFormat(AudioFormat a, AudioFormat b) {
    return a.codec() == b.codec() && a.sampleRate() == b.sampleRate() && a.channels() == b.channels()
        && a.language().equals(b.language()) && a.keyterms().equals(b.keyterms());
  }
}
