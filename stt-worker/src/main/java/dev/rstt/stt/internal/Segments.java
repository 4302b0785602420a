package dev.rstt.stt.internal;

import dev.rstt.avro.Segment;
import dev.rstt.avro.Word;
import dev.rstt.schemas.Channels;
import dev.rstt.stt.deepgram.FinalResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a final result of one connection into segments on the session timeline: one segment per run of words of
 * the same speaker ({@code SPEAKER_n}), text = the words' punctuated forms joined by one space, every time shifted
 * by the session-timeline second of the connection's first sample.
 */
public final class Segments {

  private Segments() {
  }

  /** Session-timeline sample of a connection-relative time. */
  public static long toSessionSamples(long connectionStartSamples, double connectionSeconds, int sampleRate) {
    return connectionStartSamples + Math.round(connectionSeconds * sampleRate);
  }

  public static List<Segment> build(FinalResult result, long connectionStartSamples, int sampleRate) {
    double offset = (double) connectionStartSamples / sampleRate;
    List<Segment> segments = new ArrayList<>();
    List<Word> words = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int speaker = Integer.MIN_VALUE;
    double start = 0;
    double end = 0;
    for (FinalResult.Word w : result.words()) {
      int s = Math.max(0, w.speaker());
      if (!words.isEmpty() && s != speaker) {
        segments.add(segment(text, speaker, start, end, words));
        words = new ArrayList<>();
        text.setLength(0);
      }
      if (words.isEmpty()) {
        speaker = s;
        start = w.start() + offset;
      }
      end = w.end() + offset;
      if (!text.isEmpty()) {
        text.append(' ');
      }
      text.append(w.text());
      words.add(Word.newBuilder().setText(w.text()).setStart(w.start() + offset).setEnd(w.end() + offset)
          .setConfidence(w.confidence()).build());
    }
    if (!words.isEmpty()) {
      segments.add(segment(text, speaker, start, end, words));
    }
    return segments;
  }

  /**
   * The segments of a multi-channel session's {@code channel}: every one gets the channel's speaker and
   * {@code is_user} as omi sets them (diarization overridden); a one-channel session's are unchanged.
   */
  public static List<Segment> ofChannel(List<Segment> segments, int channel) {
    if (!Channels.multi(channel)) {
      return segments;
    }
    for (Segment s : segments) {
      s.setSpeaker(Channels.speaker(channel));
      s.setSpeakerId(Channels.speakerId(channel));
      s.setIsUser(Channels.isUser(channel));
    }
    return segments;
  }

  private static Segment segment(StringBuilder text, int speaker, double start, double end, List<Word> words) {
    return Segment.newBuilder().setText(text.toString()).setSpeaker("SPEAKER_" + speaker).setSpeakerId(speaker)
        .setIsUser(false).setStart(start).setEnd(end).setWords(words).build();
  }
}
