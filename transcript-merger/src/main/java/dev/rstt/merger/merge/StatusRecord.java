package dev.rstt.merger.merge;

import java.util.Map;

/** A status the merger forwarded to the app, kept in the session's status history. */
public record StatusRecord(String status, String statusText, Map<String, String> metadata, long occurredAtMs) {

  public StatusRecord {
    metadata = Map.copyOf(metadata);
  }
}
