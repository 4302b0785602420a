package dev.rstt.batch.internal;

import dev.rstt.avro.Segment;
import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.Word;
import dev.rstt.batch.deepgram.Transcript;
import dev.rstt.schemas.Channels;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code SegmentsProduced} per batch chunk: words shifted from chunk time to the session timeline by the
 * chunk's first sample, one segment per run of words of the same speaker, text = punctuated words joined by
 * one space, {@code covered_*} = the chunk's range.
 */
public final class SegmentsBuilder {

  private SegmentsBuilder() {
  }

  /** A one-channel session's. */
  public static SegmentsProduced build(String sessionId, String userId, String sttSession, long startSample,
      long endSample, int sampleRate, Transcript transcript, long producedAtMs) {
    return build(sessionId, Channels.ONLY, userId, sttSession, startSample, endSample, sampleRate, transcript,
        producedAtMs);
  }

  /**
   * The chunk of the session's {@code channel}: a multi-channel session's segments get the channel's speaker and
   * {@code is_user} as omi sets them (diarization overridden; docs/CONTRACT.md section 11).
   */
  public static SegmentsProduced build(String sessionId, int channel, String userId, String sttSession,
      long startSample, long endSample, int sampleRate, Transcript transcript, long producedAtMs) {
    double offset = (double) startSample / sampleRate;
    List<Segment> segments = new ArrayList<>();
    List<Word> words = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    int speaker = Integer.MIN_VALUE;
    for (Transcript.Word w : transcript.words()) {
      int s = Channels.multi(channel) ? Channels.speakerId(channel) : Math.max(0, w.speaker());
      if (!words.isEmpty() && s != speaker) {
        segments.add(segment(channel, speaker, words, texts));
        words = new ArrayList<>();
        texts = new ArrayList<>();
      }
      speaker = s;
      String text = w.punctuated() == null || w.punctuated().isBlank() ? w.word() : w.punctuated();
      words.add(Word.newBuilder().setText(text).setStart(offset + w.start()).setEnd(offset + w.end())
          .setConfidence(w.confidence()).build());
      texts.add(text);
    }
    if (!words.isEmpty()) {
      segments.add(segment(channel, speaker, words, texts));
    }
    return SegmentsProduced.newBuilder()
        .setSessionId(sessionId)
        .setUserId(userId)
        .setChannel(channel)
        .setSttSession(sttSession)
        .setMode("batch")
        .setSttProvider("deepgram")
        .setSeq(0)
        .setCoveredFromSamples(startSample)
        .setCoveredToSamples(endSample)
        .setSampleRate(sampleRate)
        .setSegments(segments)
        .setProducedAtMs(producedAtMs)
        .build();
  }

  private static Segment segment(int channel, int speaker, List<Word> words, List<String> texts) {
    boolean multi = Channels.multi(channel);
    return Segment.newBuilder()
        .setText(String.join(" ", texts))
        .setSpeaker(multi ? Channels.speaker(channel) : "SPEAKER_" + speaker)
        .setSpeakerId(speaker)
        .setIsUser(multi && Channels.isUser(channel))
        .setStart(words.get(0).getStart())
        .setEnd(words.get(words.size() - 1).getEnd())
        .setWords(words)
        .build();
  }
}
