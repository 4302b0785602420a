package dev.rstt.emulator.internal;

import tools.jackson.databind.json.JsonMapper;

/** The one JSON mapper of the emulator (Jackson 3). */
public final class Json {

  public static final JsonMapper MAPPER = JsonMapper.builder().build();

  private Json() {
  }

  public static String write(Object value) {
    return MAPPER.writeValueAsString(value);
  }
}
