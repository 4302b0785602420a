package dev.rstt.merger.query;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.rstt.merger.avro.ClosedSegment;
import dev.rstt.merger.avro.ClosedStatus;
import dev.rstt.merger.merge.Segment;
import dev.rstt.merger.merge.StatusRecord;
import java.util.List;
import java.util.Map;

/**
 * One page of {@code GET /internal/sessions/{id}/transcript} (docs/CONTRACT.md section 6.8): segments in
 * transcript order, the status history (first page only), complete, and {@code next}: the id to pass as
 * {@code after} for the next page, null on the last; and the revision of the last {@code SessionUpdate} this state
 * produced (a gateway sending the transcript to a resumed socket drops live updates up to it; section 10).
 */
public record TranscriptView(
    @JsonProperty("session_id") String sessionId,
    @JsonProperty("user_id") String userId,
    @JsonProperty("segments") List<SegmentView> segments,
    @JsonProperty("statuses") List<StatusView> statuses,
    @JsonProperty("complete") boolean complete,
    @JsonProperty("next") String next,
    @JsonProperty("revision") long revision) {

  public record SegmentView(
      @JsonProperty("id") String id,
      @JsonProperty("text") String text,
      @JsonProperty("speaker") String speaker,
      @JsonProperty("speaker_id") int speakerId,
      @JsonProperty("is_user") boolean isUser,
      @JsonProperty("person_id") String personId,
      @JsonProperty("start") double start,
      @JsonProperty("end") double end,
      @JsonProperty("stt_provider") String sttProvider,
      @JsonProperty("stt_session") String sttSession) {

    static SegmentView of(Segment s) {
      return new SegmentView(s.id(), s.text(), s.speaker(), s.speakerId(), s.isUser(), s.personId(), s.start(),
          s.end(), s.sttProvider(), s.sttSession());
    }

    static SegmentView of(ClosedSegment s) {
      return new SegmentView(s.getId(), s.getText(), s.getSpeaker(), s.getSpeakerId(), s.getIsUser(),
          s.getPersonId(), s.getStart(), s.getEnd(), s.getSttProvider(), s.getSttSession());
    }
  }

  public record StatusView(
      @JsonProperty("status") String status,
      @JsonProperty("status_text") String statusText,
      @JsonProperty("metadata") Map<String, String> metadata,
      @JsonProperty("occurred_at_ms") long occurredAtMs) {

    static StatusView of(StatusRecord r) {
      return new StatusView(r.status(), r.statusText(), r.metadata(), r.occurredAtMs());
    }

    static StatusView of(ClosedStatus s) {
      return new StatusView(s.getStatus(), s.getStatusText(), Map.copyOf(s.getMetadata()), s.getOccurredAtMs());
    }
  }

  /**
   * An error answer of the transcript read (400: a bad {@code limit}, an {@code after} that names no segment).
   * {@code user_id} is the session's owner when the session was found (the gateway answers 404 to anyone else,
   * so the error does not tell that a session exists).
   */
  public record ErrorView(@JsonProperty("error") String error, @JsonProperty("message") String message,
      @JsonProperty("user_id") String userId) {
  }
}
