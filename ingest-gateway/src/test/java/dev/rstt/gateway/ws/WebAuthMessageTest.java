package dev.rstt.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rstt.gateway.auth.AuthException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class WebAuthMessageTest {

  @Test
  void shouldReadTheTokenOfOmisAuthMessage() throws AuthException {
    assertThat(WebAuthMessage.token("{\"type\":\"auth\",\"token\":\"abc.def.ghi\"}")).isEqualTo("abc.def.ghi");
    // omi's web client may add fields (a device hash): they are ignored
    assertThat(WebAuthMessage.token("{\"token\":\"t\",\"type\":\"auth\",\"device_id_hash\":\"h\"}")).isEqualTo("t");
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "hello", "[]", "42", "null", "{}", "{\"type\":\"stop\"}", "{\"type\":\"auth\"}",
      "{\"type\":\"auth\",\"token\":\"\"}", "{\"type\":\"auth\",\"token\":\"  \"}", "{\"type\":\"auth\",\"token\":7}",
      "{\"type\":\"auth\",\"token\":null}", "{\"type\":\"AUTH\",\"token\":\"t\"}", "{\"type\":[\"auth\"],\"token\":\"t\"}"})
  void shouldRefuseAnythingElseAsAMissingToken(String text) {
    assertThatThrownBy(() -> WebAuthMessage.token(text)).isInstanceOf(AuthException.class)
        .satisfies(e -> assertThat(((AuthException) e).code()).isEqualTo("missing_token"));
  }

  @Test
  void shouldAnswerAsOmi() {
    assertThat(WebAuthMessage.response(true)).isEqualTo("{\"type\":\"auth_response\",\"success\":true}");
    assertThat(WebAuthMessage.response(false)).isEqualTo("{\"type\":\"auth_response\",\"success\":false}");
  }
}
