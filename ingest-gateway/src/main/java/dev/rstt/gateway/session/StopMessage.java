package dev.rstt.gateway.session;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Recognises {@code {"type":"stop"}}; any other text (JSON or not) is not a stop. */
final class StopMessage {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private StopMessage() {
  }

  static boolean isStop(String text) {
    if (text == null || text.length() > 4096 || !text.contains("stop")) {
      return false;
    }
    try {
      JsonNode node = JSON.readTree(text);
      return node != null && node.isObject() && node.path("type").isString()
          && "stop".equals(node.path("type").asString());
    } catch (JacksonException e) {
      return false;
    }
  }
}
