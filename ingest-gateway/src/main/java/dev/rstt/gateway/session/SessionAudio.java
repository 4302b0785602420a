package dev.rstt.gateway.session;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.SessionStarted;
import dev.rstt.gateway.GatewayMetrics;
import dev.rstt.gateway.audio.AudioDecoder;
import dev.rstt.gateway.audio.AudioFormat;
import dev.rstt.gateway.audio.ChunkAggregator;
import dev.rstt.gateway.resume.DurableLedger;
import dev.rstt.gateway.resume.IntakeCursor;
import dev.rstt.gateway.resume.ResumePoint;
import dev.rstt.gateway.resume.SessionStart;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audio half of one session: the app's binary messages numbered ({@link IntakeCursor}: repeats dropped, priming
 * messages decoded only), decoded, gathered into chunks cut between messages ({@link AudioIntake}), stamped on the
 * session timeline ({@link SessionTimeline}) and handed to the {@link SessionPublisher}; and the durable position
 * Kafka's acknowledgements make ({@link DurableLedger}; docs/CONTRACT.md sections 2 and 9). Thread-safe on its own
 * monitor; the session calls the intake under its own lock (session lock, then this one, never the reverse), while
 * acknowledgements and announcements take only this one.
 */
final class SessionAudio {

  private static final Logger log = LoggerFactory.getLogger(SessionAudio.class);
  private static final byte[] NO_AUDIO = new byte[0];

  /** Called (outside any lock) when Kafka acknowledged a chunk handed at {@code receivedAtMs}. */
  interface Acks {
    void chunkAcked(long seq, long receivedAtMs, Placement placement);
  }

  private final String gatewayId;
  private final AudioFormat format;
  private final AudioDecoder decoder;
  private final SessionPublisher publishing;
  private final GatewayMetrics metrics;
  private final Acks acks;
  private final SessionTimeline timeline;
  private final AudioIntake intake;
  private final IntakeCursor cursor;
  private final DurableLedger ledger;

  SessionAudio(String sessionId, String userId, String gatewayId, AudioFormat format, Duration chunkMaxDuration,
      AudioDecoder decoder, SessionStart start, SessionPublisher publishing, GatewayMetrics metrics, Acks acks) {
    this.gatewayId = gatewayId;
    this.format = format;
    this.decoder = decoder;
    this.publishing = publishing;
    this.metrics = metrics;
    this.acks = acks;
    ResumePoint point = start.point();
    this.timeline = new SessionTimeline(sessionId, userId, format, point.nextSeq(), point.offsetSamples());
    this.intake = new AudioIntake(new ChunkAggregator(ChunkAggregator.bytesFor(format, chunkMaxDuration.toMillis())),
        point.frames());
    this.cursor = start.cursor();
    this.ledger = new DurableLedger(point);
  }

  /** What a message gave: the generation to arm a max-delay flush for (-1: none), and its new decoded samples. */
  record Taken(long flushGeneration, long samples) {
    static final Taken NOTHING = new Taken(-1, 0);
  }

  /**
   * One binary message of the app at {@code nowMs}: dropped when the session took it already, decoded, and (unless
   * it only warms the decoder up) added to the held chunk; full chunks are published.
   */
  synchronized Taken take(byte[] frame, long nowMs) {
    IntakeCursor.Action action = cursor.take();
    if (action == IntakeCursor.Action.DROP) {
      metrics.repeatDropped();
      return Taken.NOTHING;
    }
    metrics.frameIn(format.codec().wireName(), frame.length);
    byte[] pcm;
    try {
      pcm = decoder.decode(frame);
    } catch (AudioDecoder.UndecodableFrameException e) {
      metrics.undecodable(format.codec().wireName());
      log.debug("Dropped an undecodable frame: {}", e.getMessage());
      pcm = NO_AUDIO; // the message still counts: its index is the app's
    }
    if (action == IntakeCursor.Action.PRIME) {
      return Taken.NOTHING; // warms a continuing decoder up; this audio is on the timeline already
    }
    AudioIntake.Added added = intake.add(pcm, nowMs, !decoder.holdsBytes());
    added.ready().forEach(this::publish);
    return new Taken(added.flushGeneration(), pcm.length / 2);
  }

  /** Publishes everything held. */
  synchronized void flush() {
    publish(intake.flush());
  }

  /** A max-delay flush armed for {@code generation} fired. */
  synchronized void flushIfArmed(long generation) {
    publish(intake.flushIfArmed(generation));
  }

  private void publish(AudioIntake.Chunk chunk) {
    if (chunk == null) {
      return;
    }
    AudioChunk record = timeline.next(chunk.pcm(), chunk.receivedAtMs(), chunk.framesStart(), chunk.framesEnd());
    long seq = record.getSeq();
    ledger.published(seq, chunk.framesEnd(), timeline.nextOffset());
    long receivedAtMs = chunk.receivedAtMs();
    publishing.publish(record, chunk.pcm().length)
        .thenAccept(placement -> acks.chunkAcked(seq, receivedAtMs, placement));
  }

  /** Kafka acknowledged chunk {@code seq}; returns whether the durable position moved. */
  synchronized boolean acked(long seq, Placement placement) {
    return ledger.acked(seq, placement.partition(), placement.offset());
  }

  /** Kafka acknowledged SessionStarted at {@code placement}. */
  synchronized void startAcked(Placement placement) {
    ledger.recordAcked(placement.partition(), placement.offset());
  }

  synchronized SessionStarted started(long nowMs) {
    return timeline.started(gatewayId, nowMs);
  }

  synchronized SessionEnded ended(String reason) {
    return timeline.ended(reason);
  }

  synchronized long lastSeq() {
    return timeline.lastSeq();
  }

  synchronized ResumePoint durable() {
    return ledger.durable();
  }

  /**
   * Where a gateway taking the session over continues once everything handed over is acknowledged: the durable
   * point, with the seq after every chunk written (a chunk past an unclean boundary may follow the durable point;
   * its audio is asked for again and trimmed downstream by its timeline, its seq is never reused).
   */
  synchronized ResumePoint releasePoint() {
    ResumePoint d = ledger.durable();
    return new ResumePoint(d.frames(), d.offsetSamples(), Math.max(d.nextSeq(), timeline.lastSeq() + 1),
        d.audioPartition(), d.audioOffset());
  }

  /**
   * The messages the app may drop from its buffer: the durable ones, less the priming messages a gateway taking the
   * session over would ask for again (codecs with decoder state).
   */
  synchronized long appDurableFrames() {
    return Math.max(0, ledger.durable().frames() - format.codec().primingMessages());
  }

  /** Timeline second through which the audio is durable. */
  synchronized double durableThroughSeconds() {
    return (double) ledger.durable().offsetSamples() / format.sampleRate();
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
