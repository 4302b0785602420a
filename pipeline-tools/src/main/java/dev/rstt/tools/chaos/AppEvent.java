package dev.rstt.tools.chaos;

import java.util.List;

/**
 * One message the app received, in arrival order: a segment upsert (a bare JSON array), {@code segments_deleted},
 * a {@code service_status}, or anything else ({@code session_started}, {@code error}: {@code type} and the raw text).
 */
public record AppEvent(long atMs, Type type, List<SegmentView> segments, List<String> deletedIds, String status,
    String raw) {

  public enum Type { SEGMENTS, DELETED, STATUS, OTHER }

  public static AppEvent segments(long atMs, List<SegmentView> segments) {
    return new AppEvent(atMs, Type.SEGMENTS, List.copyOf(segments), List.of(), null, null);
  }

  public static AppEvent deleted(long atMs, List<String> ids) {
    return new AppEvent(atMs, Type.DELETED, List.of(), List.copyOf(ids), null, null);
  }

  public static AppEvent status(long atMs, String status) {
    return new AppEvent(atMs, Type.STATUS, List.of(), List.of(), status, null);
  }

  public static AppEvent other(long atMs, String raw) {
    return new AppEvent(atMs, Type.OTHER, List.of(), List.of(), null, raw);
  }
}
