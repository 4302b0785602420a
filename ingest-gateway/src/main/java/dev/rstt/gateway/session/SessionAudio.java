package dev.rstt.gateway.session;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.SessionStarted;
import dev.rstt.gateway.GatewayMetrics;
import dev.rstt.gateway.audio.AudioDecoder;
import dev.rstt.gateway.audio.AudioFormat;
import dev.rstt.gateway.audio.ChannelFraming;
import dev.rstt.gateway.audio.ChunkAggregator;
import dev.rstt.gateway.resume.ChannelPoint;
import dev.rstt.gateway.resume.DurableLedger;
import dev.rstt.gateway.resume.IntakeCursor;
import dev.rstt.gateway.resume.ResumePoint;
import dev.rstt.gateway.resume.SessionStart;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audio half of one session: the app's binary messages numbered ({@link IntakeCursor}: repeats dropped, priming
 * messages decoded only), decoded, gathered into chunks cut between messages ({@link AudioIntake}), stamped on the
 * session timeline ({@link SessionTimeline}) and handed to the {@link SessionPublisher}; and the durable position
 * Kafka's acknowledgements make ({@link DurableLedger}; docs/CONTRACT.md sections 2 and 9). Thread-safe on its own
 * monitor; the session calls the intake under its own lock (session lock, then this one, never the reverse), while
 * acknowledgements and announcements take only this one.
 *
 * <p>A multi-channel session in omi's framing (docs/CONTRACT.md section 11) has one {@link Track} per channel: its
 * own decoder, timeline (seq and offsets of its own) and chunk intake; every track sees every app message's index
 * (the app counts its messages over all channels), the channel a message names gets its audio. Its channels are cut
 * into chunks at the same app message ({@link ChannelCut}): when one channel's chunk is full, or held audio waited
 * its max delay, every channel's held audio is published, the last chunk of the cut naming the message
 * ({@code app_frames_end}, when every channel's decoder is clean there), so a message index is a cut of every channel;
 * one {@link DurableLedger} over all channels makes the session's durable point the last cut every channel's chunks
 * up to which are acknowledged, with every channel's numbers there.
 */
final class SessionAudio {

  private static final Logger log = LoggerFactory.getLogger(SessionAudio.class);
  private static final byte[] NO_AUDIO = new byte[0];

  /** Called (outside any lock) when Kafka acknowledged a chunk of {@code track} handed at {@code receivedAtMs}. */
  interface Acks {
    void chunkAcked(int track, long seq, long receivedAtMs, Placement placement);
  }

  /** One channel's audio path: decoder, timeline and intake. */
  record Track(int index, int channel, AudioDecoder decoder, SessionTimeline timeline, AudioIntake intake) {
  }

  private final String gatewayId;
  private final AudioFormat format;
  private final SessionPublisher publishing;
  private final GatewayMetrics metrics;
  private final Acks acks;
  private final Track[] tracks;
  private final boolean framed;
  private final DurableLedger ledger;
  private final IntakeCursor cursor;
  private boolean unknownChannelSeen;

  /** @param decoders one per channel of {@link ChannelFraming#channels}, in that order */
  SessionAudio(String sessionId, String userId, String gatewayId, AudioFormat format, Duration chunkMaxDuration,
      List<AudioDecoder> decoders, SessionStart start, SessionPublisher publishing, GatewayMetrics metrics,
      Acks acks) {
    this.gatewayId = gatewayId;
    this.format = format;
    this.publishing = publishing;
    this.metrics = metrics;
    this.acks = acks;
    int[] channels = ChannelFraming.channels(format);
    if (decoders.size() != channels.length) {
      throw new IllegalArgumentException(decoders.size() + " decoders for " + channels.length + " channels");
    }
    this.framed = ChannelFraming.framed(format);
    AudioFormat trackFormat = framed ? format.mono() : format;
    ResumePoint point = start.point();
    this.tracks = new Track[channels.length];
    List<ChannelPoint> at = new ArrayList<>();
    for (int i = 0; i < channels.length; i++) {
      ChannelPoint own = point.channel(channels[i]);
      long nextSeq = own == null ? point.nextSeq() : own.nextSeq();
      long offset = own == null ? point.offsetSamples() : own.offsetSamples();
      at.add(new ChannelPoint(channels[i], offset, nextSeq));
      tracks[i] = new Track(i, channels[i], decoders.get(i),
          new SessionTimeline(sessionId, userId, trackFormat, channels[i], nextSeq, offset),
          new AudioIntake(new ChunkAggregator(ChunkAggregator.bytesFor(trackFormat, chunkMaxDuration.toMillis())),
              point.frames()));
    }
    this.ledger = new DurableLedger(framed
        ? ResumePoint.ofChannels(point.frames(), at, point.audioPartition(), point.audioOffset()) : point);
    this.cursor = start.cursor();
  }

  /**
   * What a message gave: the track and generation to arm a max-delay flush for (-1: none), its new decoded
   * samples, and the unknown channel id it named, the first time one was (-1: none; the app is told once).
   */
  record Taken(int flushTrack, long flushGeneration, long samples, int unknownChannel) {
    static final Taken NOTHING = new Taken(0, -1, 0, -1);
  }

  /**
   * One binary message of the app at {@code nowMs}: dropped when the session took it already, decoded, and (unless
   * it only warms the decoder up) added to the held chunk of its channel; full chunks are published. A message
   * naming an unknown channel still counts as an app message, and its audio is dropped.
   */
  synchronized Taken take(byte[] frame, long nowMs) {
    IntakeCursor.Action action = cursor.take();
    if (action == IntakeCursor.Action.DROP) {
      metrics.repeatDropped();
      return Taken.NOTHING;
    }
    metrics.frameIn(format.codec().wireName(), frame.length);
    ChannelFraming.Frame split;
    int unknown = -1;
    try {
      split = ChannelFraming.split(frame, format);
    } catch (ChannelFraming.UnknownChannelException e) {
      metrics.undecodable(format.codec().wireName());
      unknown = unknownChannelSeen ? -1 : e.id();
      unknownChannelSeen = true;
      split = null;
    }
    int target = split == null ? -1 : trackOf(split.channel());
    byte[] pcm = NO_AUDIO;
    if (target >= 0) {
      try {
        pcm = tracks[target].decoder().decode(split.audio());
      } catch (AudioDecoder.UndecodableFrameException e) {
        metrics.undecodable(format.codec().wireName());
        log.debug("Dropped an undecodable frame: {}", e.getMessage());
        // the message still counts: its index is the app's
      }
    }
    if (action == IntakeCursor.Action.PRIME) {
      return Taken.NOTHING; // warms a continuing decoder up; this audio is on the timeline already
    }
    if (framed) {
      return ChannelCut.take(this, tracks, target, pcm, nowMs, unknown);
    }
    int flushTrack = 0;
    long flushGeneration = -1;
    for (int i = 0; i < tracks.length; i++) {
      Track t = tracks[i];
      AudioIntake.Added added = t.intake().add(i == target ? pcm : NO_AUDIO, nowMs, !t.decoder().holdsBytes());
      added.ready().forEach(chunk -> publish(t, chunk));
      if (added.flushGeneration() >= 0) {
        flushTrack = i;
        flushGeneration = added.flushGeneration();
      }
    }
    return new Taken(flushTrack, flushGeneration, pcm.length / 2, unknown);
  }

  private int trackOf(int channel) {
    return framed ? channel - 1 : 0;
  }

  /** Publishes everything held (a multi-channel session: one cut of every channel). */
  synchronized void flush() {
    if (framed) {
      ChannelCut.cut(this, tracks, -1, null);
      return;
    }
    for (Track t : tracks) {
      publish(t, t.intake().flush());
    }
  }

  /** A max-delay flush armed for {@code generation} of track {@code track} fired. */
  synchronized void flushIfArmed(int track, long generation) {
    if (framed) {
      if (tracks[track].intake().armed(generation)) {
        ChannelCut.cut(this, tracks, -1, null);
      }
      return;
    }
    publish(tracks[track], tracks[track].intake().flushIfArmed(generation));
  }

  private void publish(Track t, AudioIntake.Chunk chunk) {
    if (chunk == null) {
      return;
    }
    AudioChunk record = t.timeline().next(chunk.pcm(), chunk.receivedAtMs(), chunk.framesStart(), chunk.framesEnd());
    ledger.published(record.getSeq(), chunk.framesEnd(), t.timeline().nextOffset());
    send(t, record, chunk.receivedAtMs());
  }

  /**
   * A stamped chunk of a multi-channel cut, in publishing order: {@code framesEnd} (the cut's message) only on the
   * last chunk of a clean cut, with every channel's numbers after the cut.
   */
  void publishCut(Track t, AudioChunk record, long receivedAtMs, Long framesEnd, List<ChannelPoint> after) {
    ledger.published(t.channel(), record.getSeq(), framesEnd, after);
    send(t, record, receivedAtMs);
  }

  private void send(Track t, AudioChunk record, long receivedAtMs) {
    long seq = record.getSeq();
    int track = t.index();
    publishing.publish(record, record.getPcm().remaining())
        .thenAccept(placement -> acks.chunkAcked(track, seq, receivedAtMs, placement));
  }

  /** Kafka acknowledged chunk {@code seq} of track {@code track}; returns whether the durable position moved. */
  synchronized boolean acked(int track, long seq, Placement placement) {
    return ledger.acked(tracks[track].channel(), seq, placement.partition(), placement.offset());
  }

  /** Kafka acknowledged SessionStarted at {@code placement}. */
  synchronized void startAcked(Placement placement) {
    ledger.recordAcked(placement.partition(), placement.offset());
  }

  synchronized SessionStarted started(long nowMs) {
    SessionStarted first = tracks[0].timeline().started(gatewayId, nowMs);
    if (!framed) {
      return first;
    }
    return SessionStarted.newBuilder(first).setChannels(format.channels())
        .setChannelLabels(ChannelFraming.labels(format)).build();
  }

  /** One SessionEnded per channel, in channel order. */
  synchronized List<SessionEnded> ended(String reason) {
    return Arrays.stream(tracks).map(t -> t.timeline().ended(reason)).toList();
  }

  /** Seq of the last chunk so far (of the first channel; each channel has its own). */
  synchronized long lastSeq() {
    return tracks[0].timeline().lastSeq();
  }

  /** The durable point (with every channel's numbers, for a multi-channel session). */
  synchronized ResumePoint durable() {
    return ledger.durable();
  }

  /**
   * Where a gateway taking the session over continues once everything handed over is acknowledged: the durable
   * point, with the seq after every chunk written (a chunk past an unclean boundary may follow the durable point;
   * its audio is asked for again and trimmed downstream by its timeline, its seq is never reused); for a
   * multi-channel session, each channel's.
   */
  synchronized ResumePoint releasePoint() {
    ResumePoint d = ledger.durable();
    if (!framed) {
      return new ResumePoint(d.frames(), d.offsetSamples(),
          Math.max(d.nextSeq(), tracks[0].timeline().lastSeq() + 1), d.audioPartition(), d.audioOffset());
    }
    List<ChannelPoint> at = new ArrayList<>();
    for (Track t : tracks) {
      ChannelPoint c = d.channel(t.channel());
      at.add(new ChannelPoint(c.channel(), c.offsetSamples(), Math.max(c.nextSeq(), t.timeline().lastSeq() + 1)));
    }
    return ResumePoint.ofChannels(d.frames(), at, d.audioPartition(), d.audioOffset());
  }

  /**
   * The messages the app may drop from its buffer: the durable ones, less the priming messages a gateway taking the
   * session over would ask for again (codecs with decoder state; one per channel in omi's framing).
   */
  synchronized long appDurableFrames() {
    return Math.max(0, durable().frames() - ChannelFraming.primingMessages(format));
  }

  /** Timeline second through which the audio is durable (every channel's, for a multi-channel session). */
  synchronized double durableThroughSeconds() {
    ResumePoint d = durable();
    long samples = d.channels().stream().mapToLong(ChannelPoint::offsetSamples).min().orElse(d.offsetSamples());
    return (double) samples / format.sampleRate();
  }

  /** The first message index the session still needs. */
  synchronized long expected() {
    return cursor.expected();
  }

  /** Where a new socket starts (see {@link IntakeCursor#startFor}); null when {@code from} leaves a gap. */
  synchronized Long startFor(Long from) {
    return cursor.startFor(from);
  }

  /** A new socket sends from {@code from}. */
  synchronized void restart(long from) {
    cursor.restart(from);
  }
}
