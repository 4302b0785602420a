package dev.rstt.gateway.updates;

import dev.rstt.avro.SessionUpdate;
import dev.rstt.avro.StatusEvent;
import dev.rstt.avro.TranscriptSegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON the app sees (omi {@code /v4/listen}): a bare array of segment upserts, or an object with a
 * {@code type}. Pure functions, unit-tested.
 */
public final class AppMessages {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");
  private static final Pattern DECIMAL = Pattern.compile("-?\\d+\\.\\d+([eE][-+]?\\d+)?");

  private AppMessages() {
  }

  /** The frames one update becomes, in order: segments_deleted, the segment array, the status event. */
  public static List<String> render(SessionUpdate update) {
    List<String> out = new ArrayList<>(3);
    if (!update.getRemovedSegmentIds().isEmpty()) {
      ObjectNode deleted = NODES.objectNode();
      deleted.put("type", "segments_deleted");
      ArrayNode ids = deleted.putArray("segment_ids");
      update.getRemovedSegmentIds().forEach(ids::add);
      out.add(JSON.writeValueAsString(deleted));
    }
    if (!update.getSegments().isEmpty()) {
      ArrayNode array = NODES.arrayNode();
      for (TranscriptSegment s : update.getSegments()) {
        array.add(segment(s));
      }
      out.add(JSON.writeValueAsString(array));
    }
    StatusEvent status = update.getStatus();
    if (status != null) {
      out.add(serviceStatus(status.getStatus(), status.getStatusText(), status.getMetadata()));
    }
    return out;
  }

  static ObjectNode segment(TranscriptSegment s) {
    ObjectNode n = NODES.objectNode();
    n.put("id", s.getId());
    n.put("text", s.getText());
    n.put("speaker", s.getSpeaker());
    n.put("speaker_id", s.getSpeakerId());
    n.put("is_user", s.getIsUser());
    if (s.getPersonId() == null) {
      n.putNull("person_id");
    } else {
      n.put("person_id", s.getPersonId());
    }
    n.put("start", s.getStart());
    n.put("end", s.getEnd());
    n.putArray("translations");
    n.put("speech_profile_processed", true);
    putNullable(n, "stt_provider", s.getSttProvider());
    putNullable(n, "stt_session", s.getSttSession());
    return n;
  }

  /** {@code {"type":"service_status","status":...,"status_text":...,"metadata":{...}|null}}. */
  public static String serviceStatus(String status, String statusText, Map<String, String> metadata) {
    ObjectNode n = NODES.objectNode();
    n.put("type", "service_status");
    n.put("status", status);
    putNullable(n, "status_text", statusText);
    if (metadata == null || metadata.isEmpty()) {
      n.putNull("metadata");
    } else {
      ObjectNode m = n.putObject("metadata");
      metadata.forEach((k, v) -> putTyped(m, k, v));
    }
    return JSON.writeValueAsString(n);
  }

  /** {@code {"type":"session_started","session_id":...}}. */
  public static String sessionStarted(String sessionId) {
    ObjectNode n = NODES.objectNode();
    n.put("type", "session_started");
    n.put("session_id", sessionId);
    return JSON.writeValueAsString(n);
  }

  /**
   * {@code {"type":"session_started","session_id":...,"resume_window_s":n}}: a resumable session (docs/CONTRACT.md
   * section 10).
   */
  public static String sessionStarted(String sessionId, long resumeWindowSeconds) {
    ObjectNode n = NODES.objectNode();
    n.put("type", "session_started");
    n.put("session_id", sessionId);
    n.put("resume_window_s", resumeWindowSeconds);
    return JSON.writeValueAsString(n);
  }

  /**
   * {@code {"type":"session_resumed","session_id":...,"frames":N,"through_s":T}}: the app sends its audio from
   * message index {@code N} on; the timeline continues at second {@code T}.
   */
  public static String sessionResumed(String sessionId, long frames, double throughSeconds) {
    return position("session_resumed", sessionId, frames, throughSeconds);
  }

  /**
   * {@code {"type":"audio_durable","session_id":...,"frames":N,"through_s":T}}: the app's first {@code N} binary
   * audio messages of the session are acknowledged by Kafka (the app may drop them), audio through timeline second
   * {@code T} is durable.
   */
  public static String audioDurable(String sessionId, long frames, double throughSeconds) {
    return position("audio_durable", sessionId, frames, throughSeconds);
  }

  private static String position(String type, String sessionId, long frames, double throughSeconds) {
    ObjectNode n = NODES.objectNode();
    n.put("type", type);
    n.put("session_id", sessionId);
    n.put("frames", frames);
    n.put("through_s", Math.round(throughSeconds * 1000) / 1000.0);
    return JSON.writeValueAsString(n);
  }

  /** {@code {"type":"error","code":...,"message":...[,"retry_after_seconds":n]}}. */
  /**
   * A message of a multi-channel session named channel {@code id}, not one of its {@code channels}: its audio was
   * dropped, the session goes on (docs/CONTRACT.md section 11).
   */
  public static String unknownChannel(int id, int channels) {
    return error("unknown_channel", "channel id " + id + " is not one of 1.." + channels
        + "; the message's audio was dropped", null);
  }

  public static String error(String code, String message, Duration retryAfter) {
    ObjectNode n = NODES.objectNode();
    n.put("type", "error");
    n.put("code", code);
    n.put("message", message);
    if (retryAfter != null) {
      n.put("retry_after_seconds", Math.max(1, (retryAfter.toMillis() + 999) / 1000));
    }
    return JSON.writeValueAsString(n);
  }

  /** "true"/"false" become booleans and numeric strings numbers; everything else stays a string. */
  static void putTyped(ObjectNode node, String key, String value) {
    if (value == null) {
      node.putNull(key);
    } else if (value.equals("true") || value.equals("false")) {
      node.put(key, Boolean.parseBoolean(value));
    } else if (INTEGER.matcher(value).matches()) {
      node.put(key, Long.parseLong(value));
    } else if (DECIMAL.matcher(value).matches()) {
      double d = Double.parseDouble(value);
      if (Double.isFinite(d)) {
        node.put(key, d);
      } else {
        node.put(key, value);
      }
    } else {
      node.put(key, value);
    }
  }

  private static void putNullable(ObjectNode n, String key, String value) {
    if (value == null) {
      n.putNull(key);
    } else {
      n.put(key, value);
    }
  }
}
