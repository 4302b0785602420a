package dev.rstt.schemas;

/**
 * The channels of a session (docs/CONTRACT.md section 11), as every record's {@code channel} names them: 0 is the
 * only channel of a one-channel session; a multi-channel session in omi's framing has channels 1 (the mic: the
 * user, {@code SPEAKER_00}) and 2 (the other side of a call or system audio, {@code SPEAKER_01}). Each channel is
 * its own STT stream, keyed by {@code (session_id, channel)}; its segments get the channel's speaker and
 * {@code is_user} as omi's receiver sets them (diarization is overridden).
 */
public final class Channels {

  /** The channel of a one-channel session. */
  public static final int ONLY = 0;

  private Channels() {
  }

  /** Whether {@code channel} is one of a multi-channel session. */
  public static boolean multi(int channel) {
    return channel > ONLY;
  }

  /** omi's {@code is_user} of the channel's segments: the mic's. */
  public static boolean isUser(int channel) {
    return channel == 1;
  }

  /** omi's speaker index of a multi-channel session's channel: {@code id - 1}. */
  public static int speakerId(int channel) {
    return channel - 1;
  }

  /** omi's speaker label of a multi-channel session's channel: {@code SPEAKER_0<id - 1>}. */
  public static String speaker(int channel) {
    return String.format("SPEAKER_%02d", speakerId(channel));
  }

  /**
   * Deepgram's {@code extra} value naming the channel on every request of a multi-channel session's channel (echoed
   * in Deepgram's metadata; the emulator's faults may match it), or null for a one-channel session.
   */
  public static String deepgramExtra(int channel) {
    return multi(channel) ? "channel:" + channel : null;
  }
}
