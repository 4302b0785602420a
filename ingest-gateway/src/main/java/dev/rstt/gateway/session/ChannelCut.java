package dev.rstt.gateway.session;

import dev.rstt.avro.AudioChunk;
import dev.rstt.gateway.resume.ChannelPoint;
import java.util.ArrayList;
import java.util.List;

/**
 * How a multi-channel session's channels are cut into chunks (docs/CONTRACT.md section 11, *Resume*): always at the
 * same app message for every channel, so a message index is a cut of every channel's timeline. A cut happens when
 * the channel a message feeds would not fit its held audio (before the message), when its chunk is full (after it),
 * at a max-delay flush of any channel and whenever the session publishes what it holds; every channel's held audio
 * goes out then, in channel order. Only the last chunk of a cut names the message ({@code app_frames_end}) and only
 * when every channel's decoder held nothing back there: a gateway taking the session over finds a resume point of
 * every channel at a chunk with {@code app_frames_end} ({@code TailFold}), and the {@code DurableLedger} moves there
 * once every chunk up to it is acknowledged. Called under the {@link SessionAudio}'s lock.
 */
final class ChannelCut {

  private static final byte[] NO_AUDIO = new byte[0];

  private ChannelCut() {
  }

  /** Message {@code pcm} of track {@code target} (-1: none, the message named no channel of the session). */
  static SessionAudio.Taken take(SessionAudio audio, SessionAudio.Track[] tracks, int target, byte[] pcm,
      long nowMs, int unknown) {
    if (target >= 0 && tracks[target].intake().cutsBefore(pcm.length)) {
      cut(audio, tracks, -1, null); // it would not fit the channel's chunk: every channel is cut before it
    }
    AudioIntake.Chunk full = null;
    int flushTrack = 0;
    long flushGeneration = -1;
    for (SessionAudio.Track t : tracks) {
      AudioIntake.Added added = t.intake().add(t.index() == target ? pcm : NO_AUDIO, nowMs,
          !t.decoder().holdsBytes());
      if (!added.ready().isEmpty()) {
        full = added.ready().get(0); // the target's own chunk (at most one after the cut above), ending after it
      }
      if (added.flushGeneration() >= 0) {
        flushTrack = t.index();
        flushGeneration = added.flushGeneration();
      }
    }
    if (full != null) {
      cut(audio, tracks, target, full);
    }
    return new SessionAudio.Taken(flushTrack, flushGeneration, pcm.length / 2, unknown);
  }

  /**
   * Cuts every channel at the current message: {@code given} is track {@code givenTrack}'s chunk already taken from
   * its intake (-1: none), every other track's held audio is flushed.
   */
  static void cut(SessionAudio audio, SessionAudio.Track[] tracks, int givenTrack, AudioIntake.Chunk given) {
    List<SessionAudio.Track> with = new ArrayList<>();
    List<AudioIntake.Chunk> chunks = new ArrayList<>();
    boolean clean = true;
    for (SessionAudio.Track t : tracks) {
      AudioIntake.Chunk c = t.index() == givenTrack ? given : t.intake().flush();
      clean &= t.intake().clean();
      if (c != null) {
        with.add(t);
        chunks.add(c);
      }
    }
    if (chunks.isEmpty()) {
      return;
    }
    Long end = clean ? tracks[0].intake().next() : null;
    List<AudioChunk> records = new ArrayList<>();
    for (int i = 0; i < chunks.size(); i++) {
      AudioIntake.Chunk c = chunks.get(i);
      records.add(with.get(i).timeline().next(c.pcm(), c.receivedAtMs(), c.framesStart(),
          i == chunks.size() - 1 ? end : null));
    }
    List<ChannelPoint> after = new ArrayList<>();
    for (SessionAudio.Track t : tracks) {
      after.add(new ChannelPoint(t.channel(), t.timeline().nextOffset(), t.timeline().lastSeq() + 1));
    }
    for (int i = 0; i < records.size(); i++) {
      audio.publishCut(with.get(i), records.get(i), chunks.get(i).receivedAtMs(),
          i == records.size() - 1 ? end : null, after);
    }
  }
}
