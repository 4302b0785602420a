package dev.rstt.gateway.audio;

import dev.rstt.avro.ChannelLabel;
import dev.rstt.schemas.Channels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * omi's framing of a multi-channel session (docs/CONTRACT.md section 11): with {@code channels >= 2} every binary
 * message is {@code [channel id: 1 byte][audio of that channel]}, ids 1 to {@code channels}; a one-channel session's
 * messages are all audio (channel 0). Channel 1 is the mic (the user, {@code SPEAKER_00}), channel 2 the other side
 * of a call or a desktop's system audio ({@code SPEAKER_01}), labelled by the session's {@code source} as omi's
 * {@code build_channel_config} labels them ({@link Channels#label}). Pure.
 */
public final class ChannelFraming {

  /** The channel of a one-channel session's records. */
  public static final int ONLY = Channels.ONLY;

  /** One message's audio and the channel it belongs to. */
  public record Frame(int channel, byte[] audio) {
  }

  /** A message whose channel id byte names no channel of the session: dropped, the rest of the session goes on. */
  public static final class UnknownChannelException extends Exception {
    private final int id;

    UnknownChannelException(int id, int channels) {
      super("channel id " + id + " is not one of 1.." + channels);
      this.id = id;
    }

    public int id() {
      return id;
    }
  }

  private ChannelFraming() {
  }

  /** Whether a session of {@code format} sends omi's framed messages. */
  public static boolean framed(AudioFormat format) {
    return format.channels() > 1;
  }

  /** The channels of the session's records: {@code [0]}, or {@code [1..channels]} when framed. */
  public static int[] channels(AudioFormat format) {
    if (!framed(format)) {
      return new int[] {ONLY};
    }
    int[] ids = new int[format.channels()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i + 1;
    }
    return ids;
  }

  /**
   * Messages before a resume point a gateway taking a session over asks for again, decoded only to warm its fresh
   * decoders up (docs/CONTRACT.md sections 10 and 11): the codec's priming messages for each channel, because in
   * omi's framing each message feeds one channel's decoder (a call sends its channels' messages in turn).
   */
  public static int primingMessages(AudioFormat format) {
    return format.codec().primingMessages() * channels(format).length;
  }

  /** The channel and audio of {@code message} (longer than a keepalive) of a session of {@code format}. */
  public static Frame split(byte[] message, AudioFormat format) throws UnknownChannelException {
    if (!framed(format)) {
      return new Frame(ONLY, message);
    }
    int id = message[0] & 0xff;
    if (id < 1 || id > format.channels()) {
      throw new UnknownChannelException(id, format.channels());
    }
    return new Frame(id, Arrays.copyOfRange(message, 1, message.length));
  }

  /**
   * {@code SessionStarted.channel_labels}: null for a one-channel session; else each channel's label by the
   * session's {@code source} ({@link Channels#label}: channel 2 {@code system_audio} for {@code desktop}, else
   * {@code remote}), {@code is_user} and speaker.
   */
  public static List<ChannelLabel> labels(AudioFormat format) {
    if (!framed(format)) {
      return null;
    }
    List<ChannelLabel> labels = new ArrayList<>();
    for (int id : channels(format)) {
      labels.add(new ChannelLabel(id, Channels.label(id, format.source()), Channels.isUser(id),
          Channels.speaker(id)));
    }
    return labels;
  }
}
