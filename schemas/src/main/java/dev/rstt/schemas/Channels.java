package dev.rstt.schemas;

/**
 * The channels of a session (docs/CONTRACT.md section 11), as every record's {@code channel} names them: 0 is the
 * only channel of a one-channel session; a multi-channel session in omi's framing has channels 1 (the mic: the
 * user, {@code SPEAKER_00}, labelled {@code mic}) and 2 (the other side of a call, {@code remote}, or a desktop's
 * system audio, {@code system_audio}; {@code SPEAKER_01}), as omi's {@code build_channel_config} (backend
 * {@code utils/listen_audio.py}) labels them by the session's {@code source}. Each channel is its own STT stream, keyed
 * by {@code (session_id, channel)}; its segments get the channel's speaker and {@code is_user} as omi's receiver sets
 * them (diarization is overridden). Pure.
 */
public final class Channels {

  /** The channel of a one-channel session. */
  public static final int ONLY = 0;
  /** omi's {@code source} of a desktop capture: its channel 2 is the computer's own audio. */
  public static final String SOURCE_DESKTOP = "desktop";
  /** Label of channel 1 whatever the source: the device's microphone, the user. */
  public static final String MIC = "mic";
  /** Label of channel 2 of a phone call and of every source but {@link #SOURCE_DESKTOP}: the other side. */
  public static final String REMOTE = "remote";
  /** Label of channel 2 of a {@link #SOURCE_DESKTOP} session: the computer's system audio. */
  public static final String SYSTEM_AUDIO = "system_audio";

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
   * omi's label of a multi-channel session's {@code channel} for the session's {@code source} (the app's query
   * parameter as sent, null when absent): channel 1 {@code mic}; channel 2 {@code system_audio} when the source is
   * exactly {@code desktop} (omi compares the string as sent), else {@code remote}, as for {@code phone_call}, an
   * absent or any other source. The label names the channel only: {@code is_user} and the speaker do not depend on
   * it.
   */
  public static String label(int channel, String source) {
    if (!multi(channel)) {
      throw new IllegalArgumentException("channel " + channel + " is not one of a multi-channel session");
    }
    if (channel == 1) {
      return MIC;
    }
    return SOURCE_DESKTOP.equals(source) ? SYSTEM_AUDIO : REMOTE;
  }

  /**
   * Deepgram's {@code extra} value naming the channel on every request of a multi-channel session's channel (echoed
   * in Deepgram's metadata; the emulator's faults may match it), or null for a one-channel session.
   */
  public static String deepgramExtra(int channel) {
    return multi(channel) ? "channel:" + channel : null;
  }
}
