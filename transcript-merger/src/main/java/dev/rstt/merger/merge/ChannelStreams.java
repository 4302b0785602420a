package dev.rstt.merger.merge;

import dev.rstt.avro.SessionUpdate;
import dev.rstt.schemas.Channels;
import java.util.List;

/**
 * A multi-channel session's channels in the merger (docs/CONTRACT.md section 11): each channel has its own
 * {@link SessionTranscript} (dedup, combine, episodes, completeness: nothing across channels), stored under its own
 * key; the app's updates are the session's: the revision is the sum of the channels' revisions (each update raises
 * exactly one of them by one, so the session's revision rises by one per update), and the session is complete when
 * every channel is. omi's framing has channels 1 and 2. Pure.
 */
public final class ChannelStreams {

  /** The channels of a multi-channel session. */
  public static final List<Integer> MULTI = List.of(1, 2);

  private ChannelStreams() {
  }

  /** The store key of a session's channel: the session id for a one-channel session, else {@code id/channel}. */
  public static String key(String sessionId, int channel) {
    return Channels.multi(channel) ? sessionId + "/" + channel : sessionId;
  }

  /**
   * The session's update from one channel's: the sum of the channels' revisions, complete when every channel's
   * transcript (null: not seen yet) is. {@code channels} are the transcripts of {@link #MULTI}, in order, after the
   * update was made.
   */
  public static SessionUpdate combine(SessionUpdate update, List<SessionTranscript> channels) {
    long revision = 0;
    boolean complete = true;
    for (SessionTranscript t : channels) {
      revision += t == null ? 0 : t.revision();
      complete &= t != null && t.complete();
    }
    return SessionUpdate.newBuilder(update).setRevision(revision).setComplete(complete).build();
  }

  /** The session's revision: the sum of its channels' ({@code null}: not seen yet). */
  public static long revision(List<SessionTranscript> channels) {
    return channels.stream().mapToLong(t -> t == null ? 0 : t.revision()).sum();
  }

  /** Whether every channel's transcript exists and is complete. */
  public static boolean complete(List<SessionTranscript> channels) {
    return channels.stream().allMatch(t -> t != null && t.complete());
  }
}
