package dev.rstt.tools.chaos;

import java.util.List;

/** {@code GET /v1/sessions/{id}/transcript} as last read: HTTP status, segments by start, {@code complete}. */
public record StoredTranscript(int httpStatus, List<SegmentView> segments, boolean complete, String error) {

  public static StoredTranscript failed(int httpStatus, String error) {
    return new StoredTranscript(httpStatus, List.of(), false, error);
  }

  public boolean ok() {
    return httpStatus == 200;
  }
}
