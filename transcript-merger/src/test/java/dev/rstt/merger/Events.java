package dev.rstt.merger;

import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.StatusChanged;
import dev.rstt.avro.Word;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Builders for transcript.events records in tests. */
public final class Events {

  public static final String USER = "user-1";

  private Events() {
  }

  public static Word word(String text, double start, double end) {
    return new Word(text, start, end, 1.0f);
  }

  public static Word word(String text, double start, double end, double confidence) {
    return new Word(text, start, end, (float) confidence);
  }

  /** A tone word ({@code w042}-style) at {@code start}, 260 ms long. */
  public static Word tone(String text, double start) {
    return word(text, start, start + 0.26);
  }

  public static dev.rstt.avro.Segment segment(String speaker, boolean isUser, Word... words) {
    List<Word> list = Arrays.asList(words);
    StringBuilder text = new StringBuilder();
    for (Word w : list) {
      text.append(text.length() == 0 ? "" : " ").append(w.getText());
    }
    int speakerId = Integer.parseInt(speaker.substring(speaker.indexOf('_') + 1));
    return new dev.rstt.avro.Segment(text.toString(), speaker, speakerId, isUser,
        list.get(0).getStart(), list.get(list.size() - 1).getEnd(), new ArrayList<>(list));
  }

  public static dev.rstt.avro.Segment segment(String speaker, Word... words) {
    return segment(speaker, false, words);
  }

  public static SegmentsProduced produced(String session, String stt, long seq, dev.rstt.avro.Segment... segments) {
    return produced(session, stt, seq, "live", "deepgram", segments);
  }

  /**
   * A record whose covered range is its words' span widened by {@link #SILENCE_AROUND} on each side, as a producer's
   * would be (a live final's window ends 100 ms of endpointing after its last word; a batch chunk is cut in
   * silence), so none of its words lies at an edge of the audio its stt_session received.
   */
  public static SegmentsProduced produced(String session, String stt, long seq, String mode, String provider,
      dev.rstt.avro.Segment... segments) {
    double from = Arrays.stream(segments).mapToDouble(dev.rstt.avro.Segment::getStart).min().orElse(0);
    double to = Arrays.stream(segments).mapToDouble(dev.rstt.avro.Segment::getEnd).max().orElse(0);
    return covering(session, stt, seq, mode, provider, Math.max(0, from - SILENCE_AROUND), to + SILENCE_AROUND,
        segments);
  }

  /** Seconds of silence a producer's covered range leaves around the words of a record ({@link #produced}). */
  public static final double SILENCE_AROUND = 0.1;

  /** A record that covered exactly {@code [from, to)} seconds of audio. */
  public static SegmentsProduced covering(String session, String stt, long seq, String mode, String provider,
      double from, double to, dev.rstt.avro.Segment... segments) {
    return SegmentsProduced.newBuilder()
        .setSessionId(session)
        .setUserId(USER)
        .setSttSession(stt)
        .setMode(mode)
        .setSttProvider(provider)
        .setSeq(seq)
        .setCoveredFromSamples(Math.round(from * 16000))
        .setCoveredToSamples(Math.round(to * 16000))
        .setSampleRate(16000)
        .setSegments(new ArrayList<>(Arrays.asList(segments)))
        .setProducedAtMs(1_000L)
        .build();
  }

  public static StatusChanged status(String session, String status) {
    return status(session, status, Map.of());
  }

  public static StatusChanged status(String session, String status, Map<String, String> metadata) {
    return StatusChanged.newBuilder()
        .setSessionId(session)
        .setUserId(USER)
        .setStatus(status)
        .setStatusText(null)
        .setMetadata(metadata)
        .setOccurredAtMs(5_000L)
        .build();
  }

  /** A status at a session-timeline offset (samples at 16 kHz), as the workers publish them. */
  public static StatusChanged status(String session, String status, long atSamples) {
    return at(status(session, status), atSamples, null);
  }

  /** A batch worker's stt_recovered or batch_finished: resumed at {@code atSamples}, degraded audio to {@code to}. */
  public static StatusChanged status(String session, String status, long atSamples, Long degradedToSamples) {
    return at(status(session, status), atSamples, degradedToSamples);
  }

  private static StatusChanged at(StatusChanged change, long atSamples, Long degradedToSamples) {
    change.setAtOffsetSamples(atSamples);
    change.setSampleRate(16000);
    change.setDegradedToSamples(degradedToSamples);
    return change;
  }
}
