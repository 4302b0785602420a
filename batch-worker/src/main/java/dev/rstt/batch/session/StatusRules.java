package dev.rstt.batch.session;

import dev.rstt.avro.LiveResumed;
import dev.rstt.avro.SessionEnded;
import dev.rstt.schemas.Statuses;
import java.util.Iterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an episode ends (docs/CONTRACT.md section 5): {@code LiveResumed} flushes the buffer, closes the episode and
 * queues {@code stt_recovered} (at the resume offset, with {@code degraded_duration_s} and
 * {@code degraded_to_samples}); {@code SessionEnded} likewise with {@code batch_finished} at the session's end. A
 * status is published only once every chunk cut before it is acknowledged, so it never overtakes its segments;
 * the record that caused it is done when it is acknowledged. After a {@code LiveResumed} (or {@code SessionEnded})
 * the next audio belongs to a new episode and is taken even when it starts before the resume offset.
 */
final class StatusRules {

  private static final Logger log = LoggerFactory.getLogger(SessionCore.class);

  private final SessionState s;
  private final AudioRules audio;

  StatusRules(SessionState s, AudioRules audio) {
    this.s = s;
    this.audio = audio;
  }

  void onResumed(LiveResumed resumed, RecordRef ref) {
    if (s.userId == null) {
      s.userId = resumed.getUserId();
    }
    HeldRecord record = new HeldRecord(ref, s.now);
    audio.flush("flush");
    int rate = resumed.getSampleRate() > 0 ? resumed.getSampleRate() : s.sampleRate;
    long at = resumed.getResumeOffsetSamples();
    double duration = Episode.degradedSeconds(s.episode, at, rate);
    Long degradedTo = Episode.degradedTo(s.episode, s.episodeEnd);
    closeEpisode("live resumed at sample " + at);
    // The next episode may begin with audio before this resume offset: the overlap that a recovery connection
    // was sent but died before finalising (docs/CONTRACT.md section 4). It is a new episode's audio, not a
    // redelivery, so it is transcribed again (the merger drops the words both chunks hold).
    s.nextSample = -1;
    s.accepted.clear();
    log.info("Live resumed at sample {}{}: stt_recovered after {} chunk(s)", at,
        resumed.getColdTakeover() ? " (cold take-over)" : "", s.outstanding.size());
    enqueue(Statuses.STT_RECOVERED, record, at, degradedTo, duration, rate);
  }

  void onEnded(SessionEnded ended, RecordRef ref) {
    if (s.userId == null) {
      s.userId = ended.getUserId();
    }
    HeldRecord record = new HeldRecord(ref, s.now);
    audio.flush("flush");
    Long degradedTo = Episode.degradedTo(s.episode, s.episodeEnd);
    s.episode = null;
    s.nextSample = -1; // only a take-over's replay can follow the end: a new episode's audio, as after LiveResumed
    s.accepted.clear();
    if (s.mode() != SessionMode.ENDING) {
      s.transitionTo(SessionMode.ENDING, "session ended (" + ended.getReason() + ")");
    }
    log.info("Session ended ({}): batch_finished after {} chunk(s)", ended.getReason(), s.outstanding.size());
    int rate = ended.getSampleRate() > 0 ? ended.getSampleRate() : s.sampleRate;
    enqueue(Statuses.BATCH_FINISHED, record, ended.getEndOffsetSamples(), degradedTo, null, rate);
  }

  /** Publishes, in order, the statuses whose chunks are all acknowledged. */
  void publishReady() {
    for (PendingStatus st : s.statuses) {
      if (st.sent) {
        continue;
      }
      if (!s.outstanding.isEmpty() && s.outstanding.firstKey() < st.barrier) {
        return; // a chunk cut before this status is not acknowledged yet
      }
      st.sent = true;
      s.publish(st.key(), st.outbound(s.sampleRate));
    }
  }

  /** Status {@code n} is acknowledged: the record that caused it is done. */
  void onAcked(long n) {
    for (Iterator<PendingStatus> it = s.statuses.iterator(); it.hasNext(); ) {
      PendingStatus st = it.next();
      if (st.n == n && st.sent) {
        it.remove();
        s.release(st.record);
        log.info("Published {}{}", st.status, st.degradedDurationS != null
            ? String.format(" (degraded %.3f s)", st.degradedDurationS) : "");
        return;
      }
    }
  }

  private void closeEpisode(String why) {
    if (s.episode != null) {
      s.episode = null;
      if (s.mode() == SessionMode.DEGRADED) {
        s.transitionTo(SessionMode.WAITING, why);
      }
    }
  }

  private void enqueue(String status, HeldRecord record, long at, Long degradedTo, Double duration, int rate) {
    record.hold();
    s.seal(record);
    s.statuses.addLast(new PendingStatus(s.nextStatus++, status, s.nextChunkSeq, record, at, degradedTo, duration));
    if (s.sampleRate == 0) {
      s.sampleRate = rate;
    }
    publishReady();
  }
}
