package dev.rstt.batch.internal;

import dev.rstt.avro.Segment;
import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.Word;
import dev.rstt.batch.deepgram.Transcript;
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

  public static SegmentsProduced build(String sessionId, String userId, String sttSession, long startSample,
      long endSample, int sampleRate, Transcript transcript, long producedAtMs) {
    double offset = (double) startSample / sampleRate;
    List<Segment> segments = new ArrayList<>();
    List<Word> words = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    int speaker = Integer.MIN_VALUE;
    for (Transcript.Word w : transcript.words()) {
      int s = Math.max(0, w.speaker());
      if (!words.isEmpty() && s != speaker) {
        segments.add(segment(speaker, words, texts));
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
      segments.add(segment(speaker, words, texts));
    }
    return SegmentsProduced.newBuilder()
        .setSessionId(sessionId)
        .setUserId(userId)
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

  private static Segment segment(int speaker, List<Word> words, List<String> texts) {
    return Segment.newBuilder()
        .setText(String.join(" ", texts))
        .setSpeaker("SPEAKER_" + speaker)
        .setSpeakerId(speaker)
        .setIsUser(false)
        .setStart(words.get(0).getStart())
        .setEnd(words.get(words.size() - 1).getEnd())
        .setWords(words)
        .build();
  }
}
