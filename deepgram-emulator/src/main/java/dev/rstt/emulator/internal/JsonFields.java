package dev.rstt.emulator.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** Typed, range-checked reading of admin JSON bodies; every error is a {@link BadRequestException} naming the field. */
final class JsonFields {

  private JsonFields() {
  }

  /** The body as a JSON object ({@code {}} when blank). */
  static JsonNode object(String body, String what) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body == null || body.isBlank() ? "{}" : body);
    } catch (RuntimeException e) {
      throw new BadRequestException(what + " is not JSON");
    }
    if (!root.isObject()) {
      throw new BadRequestException(what + " must be a JSON object");
    }
    return root;
  }

  /** The object under {@code name}, or null when absent or null. */
  static JsonNode section(JsonNode parent, String name) {
    JsonNode n = parent.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      throw new BadRequestException(name + " must be an object or null");
    }
    return n;
  }

  static void onlyKnown(JsonNode node, String prefix, Set<String> known) {
    List<String> unknown = new ArrayList<>();
    for (String name : node.propertyNames()) {
      if (!known.contains(name)) {
        unknown.add(prefix + name);
      }
    }
    if (!unknown.isEmpty()) {
      throw new BadRequestException("unknown field(s) " + unknown + "; known: " + known.stream().sorted().toList());
    }
  }

  private static JsonNode field(JsonNode parent, String name) {
    JsonNode n = parent.get(name.substring(name.lastIndexOf('.') + 1));
    return n == null || n.isNull() ? null : n;
  }

  static Integer integer(JsonNode parent, String name, int min, int max) {
    Long v = longField(parent, name, min, max);
    return v == null ? null : v.intValue();
  }

  static Long longField(JsonNode parent, String name, long min, long max) {
    JsonNode n = field(parent, name);
    if (n == null) {
      return null;
    }
    if (!n.isIntegralNumber() || n.longValue() < min || n.longValue() > max) {
      throw new BadRequestException(name + " must be an integer " + min + ".." + max + " or null, was " + n);
    }
    return n.longValue();
  }

  static Double number(JsonNode parent, String name, double min, double max) {
    JsonNode n = field(parent, name);
    if (n == null) {
      return null;
    }
    if (!n.isNumber() || !(n.doubleValue() >= min && n.doubleValue() <= max)) {
      throw new BadRequestException(name + " must be a number " + min + ".." + max + " or null, was " + n);
    }
    return n.doubleValue();
  }

  static Boolean bool(JsonNode parent, String name) {
    JsonNode n = field(parent, name);
    if (n == null) {
      return null;
    }
    if (!n.isBoolean()) {
      throw new BadRequestException(name + " must be true, false or null, was " + n);
    }
    return n.booleanValue();
  }

  static String oneOf(JsonNode parent, String name, String... values) {
    JsonNode n = field(parent, name);
    if (n == null) {
      return null;
    }
    for (String v : values) {
      if (n.isString() && n.stringValue().equals(v)) {
        return v;
      }
    }
    throw new BadRequestException(name + " must be one of " + List.of(values) + " or null, was " + n);
  }
}
