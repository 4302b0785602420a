package dev.rstt.merger.store;

import dev.rstt.merger.avro.AppliedRange;
import dev.rstt.merger.avro.SessionState;
import dev.rstt.merger.avro.StoredSegment;
import dev.rstt.merger.avro.StoredStatus;
import dev.rstt.merger.avro.StoredWord;
import dev.rstt.merger.merge.AppliedRecords;
import dev.rstt.merger.merge.CombineRules;
import dev.rstt.merger.merge.Coverage;
import dev.rstt.merger.merge.Episodes;
import dev.rstt.merger.merge.History;
import dev.rstt.merger.merge.Segment;
import dev.rstt.merger.merge.SessionTranscript;
import dev.rstt.merger.merge.StatusRecord;
import dev.rstt.merger.merge.Word;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The value serde of the {@code session-transcripts} store: a {@link SessionTranscript} as the module-internal
 * Avro record {@code SessionState} in single-object encoding (so a later schema version can still read an old
 * changelog). Words keep what choosing between copies needs (microsecond times, stt_session, text, confidence in
 * thousandths); a segment's text is rebuilt from its words'; each stt_session's covered range rides on its
 * applied-seq ranges, so its id is not written twice.
 */
public final class SessionStateSerde implements Serde<SessionTranscript> {

  static {
    allowModuleRecords();
  }

  private static boolean allowed;

  /** Lets Avro instantiate this module's generated records (its class security check), once. */
  static synchronized void allowModuleRecords() {
    if (!allowed) {
      ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
      ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous,
          type -> type.getName().startsWith("dev.rstt.merger.avro.")));
      allowed = true;
    }
  }

  private static final BinaryMessageEncoder<SessionState> ENCODER =
      new BinaryMessageEncoder<>(SpecificData.get(), SessionState.getClassSchema());
  /** Earlier versions of {@code SessionState}, oldest first: a store restored from an old changelog decodes. */
  static final List<String> EARLIER_VERSIONS = List.of("session-state/v1.avsc", "session-state/v2.avsc",
      "session-state/v3.avsc");

  private static final BinaryMessageDecoder<SessionState> DECODER = decoder();

  private static BinaryMessageDecoder<SessionState> decoder() {
    BinaryMessageDecoder<SessionState> decoder =
        new BinaryMessageDecoder<>(SpecificData.get(), SessionState.getClassSchema());
    for (String resource : EARLIER_VERSIONS) {
      decoder.addSchema(earlierVersion(resource));
    }
    return decoder;
  }

  static Schema earlierVersion(String resource) {
    try (InputStream in = SessionStateSerde.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Missing " + resource + " on the classpath");
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + resource, e);
    }
  }

  @Override
  public Serializer<SessionTranscript> serializer() {
    return (topic, t) -> t == null ? null : encode(t);
  }

  @Override
  public Deserializer<SessionTranscript> deserializer() {
    return (topic, bytes) -> bytes == null ? null : decode(bytes);
  }

  public static byte[] encode(SessionTranscript t) {
    try {
      ByteBuffer buffer = ENCODER.encode(toState(t));
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new SerializationException("Cannot encode the state of a session", e);
    }
  }

  public static SessionTranscript decode(byte[] bytes) {
    try {
      return fromState(DECODER.decode(bytes));
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("Cannot decode a session-transcripts value (" + bytes.length + " bytes)", e);
    }
  }

  /**
   * A word's stt_session is almost always its segment's: stored as null then, and an unset one (only possible
   * after a None+set combine) as the empty string.
   */
  private static String compact(String word, String segment) {
    if (java.util.Objects.equals(word, segment)) {
      return null;
    }
    return word == null ? "" : word;
  }

  private static String expand(String stored, String segment) {
    if (stored == null) {
      return segment;
    }
    return stored.isEmpty() ? null : stored;
  }

  static SessionState toState(SessionTranscript t) {
    List<StoredSegment> segments = new ArrayList<>(t.segments().size());
    for (Segment s : t.segments()) {
      List<StoredWord> words = new ArrayList<>(s.words().size());
      for (Word w : s.words()) {
        long startUs = Math.round(w.start() * 1e6);
        words.add(new StoredWord(startUs, Math.round(w.end() * 1e6) - startUs, compact(w.sttSession(), s.sttSession()),
            w.text(), Word.permille(w.confidence())));
      }
      segments.add(new StoredSegment(s.id(), s.sttSession(), s.sttProvider(), s.speaker(), s.speakerId(),
          s.isUser(), s.personId(), s.start(), s.end(), "", words));
    }
    List<AppliedRange> applied = new ArrayList<>();
    for (AppliedRecords.Range r : t.applied().ranges()) {
      Coverage.Range covered = t.coverage().of(r.sttSession());
      applied.add(new AppliedRange(r.sttSession(), r.from(), r.to(), covered.fromUs(), covered.toUs()));
    }
    List<StoredStatus> statuses = new ArrayList<>();
    for (StatusRecord s : t.statuses()) {
      statuses.add(new StoredStatus(s.status(), s.statusText(), new HashMap<>(s.metadata()), s.occurredAtMs()));
    }
    History.Stored h = t.history().stored();
    return SessionState.newBuilder()
        .setSessionId(t.sessionId())
        .setUserId(t.userId())
        .setRevision(t.revision())
        .setSegments(segments)
        .setApplied(applied)
        .setStatuses(statuses)
        .setReadyForwarded(t.readyForwarded())
        .setEpisodeOpen(t.episodeOpen())
        .setOpenEpisodes(new ArrayList<>(t.openEpisodes()))
        .setLiveFinished(t.liveFinished())
        .setBatchFinished(t.batchFinished())
        .setLastActivityMs(t.lastActivityMs())
        .setClosedSegments(h.segments())
        .setClosedStatuses(h.statuses())
        .setDroppedStatuses(h.droppedStatuses())
        .setClosedUntilUs(h.untilUs())
        .setClosedReachUs(h.reachUs())
        .setFrontierUs(h.frontierUs())
        .setSampleRate(h.sampleRate())
        .build();
  }

  static SessionTranscript fromState(SessionState s) {
    List<Segment> segments = new ArrayList<>(s.getSegments().size());
    for (StoredSegment g : s.getSegments()) {
      List<String> texts = wordTexts(g);
      List<Word> words = new ArrayList<>(g.getWords().size());
      for (int i = 0; i < g.getWords().size(); i++) {
        StoredWord w = g.getWords().get(i);
        words.add(new Word(texts.get(i), w.getStartUs() / 1e6, (w.getStartUs() + w.getDurationUs()) / 1e6,
            expand(w.getSttSession(), g.getSttSession()), w.getConfidencePm() / 1000.0));
      }
      String text = g.getText().isEmpty() ? CombineRules.normalize(String.join(" ", texts.stream()
          .filter(x -> !x.isEmpty()).toList())) : g.getText();
      segments.add(new Segment(g.getId(), g.getSttSession(), g.getSttProvider(), g.getSpeaker(), g.getSpeakerId(),
          g.getIsUser(), g.getPersonId(), g.getStart(), g.getEnd(), text, words));
    }
    List<AppliedRecords.Range> applied = new ArrayList<>();
    Coverage coverage = new Coverage();
    for (AppliedRange r : s.getApplied()) {
      applied.add(new AppliedRecords.Range(r.getSttSession(), r.getFromSeq(), r.getToSeq()));
      coverage.restore(r.getSttSession(), r.getCoveredFromUs(), r.getCoveredToUs());
    }
    List<StatusRecord> statuses = new ArrayList<>();
    for (StoredStatus st : s.getStatuses()) {
      statuses.add(new StatusRecord(st.getStatus(), st.getStatusText(), st.getMetadata(), st.getOccurredAtMs()));
    }
    // A v1 value knows only that an episode was open, not where it started: one episode of unknown start.
    List<Long> openEpisodes = !s.getOpenEpisodes().isEmpty() ? s.getOpenEpisodes()
        : s.getEpisodeOpen() ? List.of(Episodes.UNKNOWN) : List.of();
    long frontier = s.getFrontierUs();
    if (frontier < 0) { // a value written before v4: the latest audio its words and ranges reached
      for (Segment g : segments) {
        frontier = Math.max(frontier, Math.round(g.end() * 1e6));
      }
      for (AppliedRange r : s.getApplied()) {
        frontier = Math.max(frontier, r.getCoveredToUs());
      }
    }
    History.Stored history = new History.Stored(s.getClosedSegments(), s.getClosedStatuses(),
        s.getDroppedStatuses(), s.getClosedUntilUs(), s.getClosedReachUs(), frontier, s.getSampleRate());
    return SessionTranscript.restore(s.getSessionId(), s.getUserId(), s.getRevision(), segments, applied, coverage,
        statuses, s.getReadyForwarded(), openEpisodes, s.getLiveFinished(), s.getBatchFinished(),
        s.getLastActivityMs(), history);
  }

  /**
   * The texts of a stored segment's words. A v1/v2 value kept only the segment's text: it is split at spaces, one
   * token per word, when the counts agree (words are joined by one space); otherwise (a word with a space in it)
   * the first word takes the whole text, so the segment's text stays exact.
   */
  static List<String> wordTexts(StoredSegment g) {
    List<String> texts = new ArrayList<>(g.getWords().size());
    boolean stored = false;
    for (StoredWord w : g.getWords()) {
      texts.add(w.getText());
      stored |= !w.getText().isEmpty();
    }
    if (stored || g.getWords().isEmpty() || g.getText().isEmpty()) {
      return texts;
    }
    String[] tokens = g.getText().split(" ");
    texts.clear();
    for (int i = 0; i < g.getWords().size(); i++) {
      if (tokens.length == g.getWords().size()) {
        texts.add(tokens[i]);
      } else {
        texts.add(i == 0 ? g.getText() : "");
      }
    }
    return texts;
  }
}
