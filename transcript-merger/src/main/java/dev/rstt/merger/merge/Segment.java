package dev.rstt.merger.merge;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** One segment of a session's merged transcript; grows when a later segment of the same stt_session is combined into it. */
public final class Segment {

  private final String id;
  private final String sttSession;
  private final String sttProvider;
  private final String speaker;
  private final int speakerId;
  private final boolean isUser;
  private final String personId;
  private final double start;
  private double end;
  private String text;
  private final List<Word> words;

  public Segment(String id, String sttSession, String sttProvider, String speaker, int speakerId, boolean isUser,
      String personId, double start, double end, String text, List<Word> words) {
    this.id = id;
    this.sttSession = sttSession;
    this.sttProvider = sttProvider;
    this.speaker = speaker;
    this.speakerId = speakerId;
    this.isUser = isUser;
    this.personId = personId;
    this.start = start;
    this.end = end;
    this.text = text;
    this.words = new ArrayList<>(words);
  }

  /** A copy of {@code template} with another id (a new segment gets its id once placed). */
  Segment withId(String newId) {
    return new Segment(newId, sttSession, sttProvider, speaker, speakerId, isUser, personId, start, end, text, words);
  }

  /** omi's join: {@code a.text += ' ' + b.text; a.end = b.end}, then normalised; the words follow. */
  void absorb(Segment later) {
    this.text = CombineRules.normalize(this.text + " " + later.text);
    this.end = Math.max(this.end, later.end);
    this.words.addAll(later.words);
  }

  public String id() {
    return id;
  }

  public String sttSession() {
    return sttSession;
  }

  public String sttProvider() {
    return sttProvider;
  }

  public String speaker() {
    return speaker;
  }

  public int speakerId() {
    return speakerId;
  }

  public boolean isUser() {
    return isUser;
  }

  public String personId() {
    return personId;
  }

  public double start() {
    return start;
  }

  public double end() {
    return end;
  }

  public String text() {
    return text;
  }

  public List<Word> words() {
    return Collections.unmodifiableList(words);
  }

  @Override
  public String toString() {
    return "Segment[" + id + " " + sttSession + " " + speaker + " " + start + "-" + end + " words=" + words.size() + "]";
  }
}
