package dev.rstt.merger.merge;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * One segment of a session's merged transcript; grows when a later segment of the same stt_session is combined
 * into it, and loses a word when a better copy of that word from another stt_session replaces it. Its words are
 * kept in time order; its text is their texts joined (omi's normalisation), its span theirs.
 */
public final class Segment {

  private static final Comparator<Word> BY_START = Comparator.comparingDouble(Word::start);

  private final String id;
  private final String sttSession;
  private final String sttProvider;
  private final String speaker;
  private final int speakerId;
  private final boolean isUser;
  private final String personId;
  private double start;
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

  /** A segment of these words (at least one), its span and text taken from them. */
  static Segment of(String id, String sttSession, String sttProvider, String speaker, int speakerId, boolean isUser,
      String personId, List<Word> words) {
    Segment s = new Segment(id, sttSession, sttProvider, speaker, speakerId, isUser, personId, 0, 0, "", words);
    s.words.sort(BY_START);
    s.derive();
    return s;
  }

  /** A copy of {@code template} with another id (a new segment gets its id once placed). */
  Segment withId(String newId) {
    return new Segment(newId, sttSession, sttProvider, speaker, speakerId, isUser, personId, start, end, text, words);
  }

  /** A segment like this one (speaker, stt_session) holding {@code part} of its words, without an id yet. */
  Segment part(List<Word> part) {
    return of(null, sttSession, sttProvider, speaker, speakerId, isUser, personId, part);
  }

  /**
   * omi's join ({@code a.text += ' ' + b.text; a.end = b.end}, normalised), with the words kept in time order:
   * a late final of the same stt_session can carry words from before this segment's last one.
   */
  void absorb(Segment later) {
    boolean inOrder = words.isEmpty() || later.words.isEmpty()
        || later.words.get(0).start() >= words.get(words.size() - 1).start();
    this.words.addAll(later.words);
    if (inOrder) {
      this.text = CombineRules.normalize(this.text + " " + later.text);
      this.end = Math.max(this.end, later.end);
    } else {
      this.words.sort(BY_START);
      derive();
    }
  }

  /**
   * Takes {@code removed} (compared by identity) out of this segment.
   *
   * @return the runs of words left between the removed ones, in time order (empty when none is left); this
   *     segment keeps the first run
   */
  List<List<Word>> remove(Set<Word> removed) {
    List<List<Word>> runs = new ArrayList<>();
    List<Word> run = new ArrayList<>();
    for (Word w : words) {
      if (removed.contains(w)) {
        if (!run.isEmpty()) {
          runs.add(run);
          run = new ArrayList<>();
        }
      } else {
        run.add(w);
      }
    }
    if (!run.isEmpty()) {
      runs.add(run);
    }
    words.clear();
    if (!runs.isEmpty()) {
      words.addAll(runs.get(0));
      derive();
    }
    return runs;
  }

  /**
   * Takes out and returns the words that start after {@code t} (in time order); this segment keeps the others,
   * which must not be none.
   */
  List<Word> splitAfter(double t) {
    List<Word> later = new ArrayList<>();
    words.removeIf(w -> {
      if (w.start() > t) {
        later.add(w);
        return true;
      }
      return false;
    });
    derive();
    return later;
  }

  /** Start of this segment's last word (its words are in time order). */
  double lastWordStart() {
    return words.isEmpty() ? start : words.get(words.size() - 1).start();
  }

  /** Whether any of {@code candidates} (by identity) is one of this segment's words. */
  boolean holdsAny(Set<Word> candidates) {
    for (Word w : words) {
      if (candidates.contains(w)) {
        return true;
      }
    }
    return false;
  }

  /** An identity set, for {@link #remove} and {@link #holdsAny}. */
  static Set<Word> identitySet() {
    return Collections.newSetFromMap(new IdentityHashMap<>());
  }

  private void derive() {
    List<String> texts = new ArrayList<>(words.size());
    double s = Double.MAX_VALUE;
    double e = -Double.MAX_VALUE;
    for (Word w : words) {
      if (!w.text().isEmpty()) {
        texts.add(w.text());
      }
      s = Math.min(s, w.start());
      e = Math.max(e, w.end());
    }
    this.text = CombineRules.normalize(String.join(" ", texts));
    this.start = s;
    this.end = e;
  }

  /** As the app sees it in a {@code SessionUpdate}. */
  public dev.rstt.avro.TranscriptSegment toAvro() {
    return dev.rstt.avro.TranscriptSegment.newBuilder()
        .setId(id)
        .setText(text)
        .setSpeaker(speaker)
        .setSpeakerId(speakerId)
        .setIsUser(isUser)
        .setPersonId(personId)
        .setStart(start)
        .setEnd(end)
        .setSttProvider(sttProvider)
        .setSttSession(sttSession)
        .build();
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
