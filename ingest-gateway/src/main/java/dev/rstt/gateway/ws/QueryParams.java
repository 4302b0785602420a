package dev.rstt.gateway.ws;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The query string of an upgrade, decoded. Pure. */
final class QueryParams {

  private QueryParams() {
  }

  /** The first value of every parameter. */
  static Map<String, String> first(URI uri) {
    Map<String, String> params = new HashMap<>();
    for (String[] kv : pairs(uri)) {
      params.putIfAbsent(kv[0], kv[1]);
    }
    return params;
  }

  /** Every value of the repeatable parameter {@code key}, in order. */
  static List<String> all(URI uri, String key) {
    List<String> values = new ArrayList<>();
    for (String[] kv : pairs(uri)) {
      if (kv[0].equals(key)) {
        values.add(kv[1]);
      }
    }
    return values;
  }

  private static List<String[]> pairs(URI uri) {
    List<String[]> pairs = new ArrayList<>();
    String raw = uri.getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return pairs;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      pairs.add(new String[] {key, eq < 0 ? "" : decode(pair.substring(eq + 1))});
    }
    return pairs;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
