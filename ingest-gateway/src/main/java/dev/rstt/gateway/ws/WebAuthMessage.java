package dev.rstt.gateway.ws;

import dev.rstt.gateway.auth.AuthException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * omi's first-message authentication of {@code /v4/web/listen} (browsers cannot set an {@code Authorization}
 * header on a WebSocket): the first message is the text {@code {"type":"auth","token":"<JWT>"}}, and the server
 * answers {@code {"type":"auth_response","success":true|false}}. Pure functions.
 */
public final class WebAuthMessage {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  static final String SUCCESS = "{\"type\":\"auth_response\",\"success\":true}";
  static final String FAILURE = "{\"type\":\"auth_response\",\"success\":false}";

  private WebAuthMessage() {
  }

  /**
   * The token of a first message.
   *
   * @param text the first message's text, or null when it was not a text message
   * @throws AuthException {@code missing_token} when the message is not an auth message with a token
   */
  public static String token(String text) throws AuthException {
    if (text == null) {
      throw new AuthException("missing_token", "the first message must be the text {\"type\":\"auth\",\"token\":\"<JWT>\"}");
    }
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JacksonException e) {
      throw new AuthException("missing_token", "the first message is not JSON; expected {\"type\":\"auth\",\"token\":\"<JWT>\"}");
    }
    if (node == null || !node.isObject() || !"auth".equals(node.path("type").asString(null))) {
      throw new AuthException("missing_token", "the first message must be auth: {\"type\":\"auth\",\"token\":\"<JWT>\"}");
    }
    JsonNode token = node.get("token");
    if (token == null || !token.isString() || token.asString().isBlank()) {
      throw new AuthException("missing_token", "the auth message has no token");
    }
    return token.asString();
  }

  /** {@code {"type":"auth_response","success":...}}. */
  public static String response(boolean success) {
    return success ? SUCCESS : FAILURE;
  }
}
