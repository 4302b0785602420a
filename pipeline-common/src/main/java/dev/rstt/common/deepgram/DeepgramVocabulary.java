package dev.rstt.common.deepgram;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * A session's keyterms as Deepgram query parameters (docs/CONTRACT.md section 2), the same on live and pre-recorded
 * requests: {@code keyterm=} per term for Nova-3 models (Deepgram refuses {@code keywords} there with 400
 * {@code INVALID_QUERY_PARAMETER}), {@code keywords=} per term for every other model (which have no keyterm
 * prompting). This is omi's rule too. Pure.
 */
public final class DeepgramVocabulary {

  private DeepgramVocabulary() {
  }

  /** Whether {@code model} takes {@code keyterm} (the Nova-3 family) rather than {@code keywords}. */
  public static boolean keytermModel(String model) {
    return model != null && model.toLowerCase(Locale.ROOT).startsWith("nova-3");
  }

  /** {@code &keyterm=a&keyterm=b} (or {@code keywords}) for {@code model}; empty for no terms. */
  public static String query(String model, List<String> keyterms) {
    if (keyterms == null || keyterms.isEmpty()) {
      return "";
    }
    String name = keytermModel(model) ? "keyterm" : "keywords";
    StringBuilder q = new StringBuilder();
    for (String term : keyterms) {
      // a space as %20, which every query decoder reads as a space (a '+' is a space only to form decoders)
      q.append('&').append(name).append('=')
          .append(URLEncoder.encode(term, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return q.toString();
  }
}
