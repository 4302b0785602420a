package dev.rstt.merger.merge;

import dev.rstt.avro.SegmentsProduced;
import dev.rstt.avro.StatusChanged;

/** Contract checks on an input record before it changes a transcript; a violation is an {@link InvalidEventException}. */
final class EventChecks {

  private EventChecks() {
  }

  static void validate(String sessionId, SegmentsProduced p) {
    requireSession(sessionId, p.getSessionId());
    if (p.getSeq() < 0) {
      throw new InvalidEventException("SegmentsProduced seq " + p.getSeq() + " is negative");
    }
    for (dev.rstt.avro.Segment s : p.getSegments()) {
      requireSpan("segment", s.getStart(), s.getEnd());
      for (dev.rstt.avro.Word w : s.getWords()) {
        requireSpan("word", w.getStart(), w.getEnd());
      }
    }
  }

  static void validate(String sessionId, StatusChanged c) {
    requireSession(sessionId, c.getSessionId());
    if (c.getStatus() == null || c.getStatus().isBlank()) {
      throw new InvalidEventException("StatusChanged without a status");
    }
    requireOffset("at_offset_samples", c.getAtOffsetSamples());
    requireOffset("degraded_to_samples", c.getDegradedToSamples());
  }

  private static void requireSession(String sessionId, String recordSession) {
    if (!sessionId.equals(recordSession)) {
      throw new InvalidEventException("Record session_id does not match its key");
    }
  }

  private static void requireSpan(String what, double start, double end) {
    if (!Double.isFinite(start) || !Double.isFinite(end) || start < 0 || end < start) {
      throw new InvalidEventException("Invalid " + what + " time span [" + start + ", " + end + "]");
    }
  }

  private static void requireOffset(String field, Long samples) {
    if (samples != null && samples < 0) {
      throw new InvalidEventException("StatusChanged " + field + " " + samples + " is negative");
    }
  }
}
