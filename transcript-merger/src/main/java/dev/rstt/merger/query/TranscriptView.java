package dev.rstt.merger.query;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.rstt.merger.merge.Segment;
import dev.rstt.merger.merge.SessionTranscript;
import dev.rstt.merger.merge.StatusRecord;
import java.util.List;
import java.util.Map;

/**
 * The JSON of {@code GET /internal/sessions/{id}/transcript}: segments ordered by start, status history, complete,
 * and the revision of the last {@code SessionUpdate} this state produced (a gateway sending it to a resumed socket
 * drops live updates up to that revision; docs/CONTRACT.md section 9).
 */
public record TranscriptView(
    @JsonProperty("session_id") String sessionId,
    @JsonProperty("user_id") String userId,
    @JsonProperty("segments") List<SegmentView> segments,
    @JsonProperty("statuses") List<StatusView> statuses,
    @JsonProperty("complete") boolean complete,
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
  }

  public record StatusView(
      @JsonProperty("status") String status,
      @JsonProperty("status_text") String statusText,
      @JsonProperty("metadata") Map<String, String> metadata,
      @JsonProperty("occurred_at_ms") long occurredAtMs) {
  }

  public static TranscriptView of(SessionTranscript t) {
    List<SegmentView> segments = t.segments().stream()
        .map((Segment s) -> new SegmentView(s.id(), s.text(), s.speaker(), s.speakerId(), s.isUser(), s.personId(),
            s.start(), s.end(), s.sttProvider(), s.sttSession()))
        .toList();
    List<StatusView> statuses = t.statuses().stream()
        .map((StatusRecord r) -> new StatusView(r.status(), r.statusText(), r.metadata(), r.occurredAtMs()))
        .toList();
    return new TranscriptView(t.sessionId(), t.userId(), segments, statuses, t.complete(), t.revision());
  }
}
