package dev.rstt.common.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What to do with the topics a service wants, given what the broker has: create the missing ones with the
 * configured layout, and leave every existing topic exactly as it is. A topic whose partition count differs from
 * the configuration is reported, never changed: adding partitions to a keyed topic moves keys (sessions) to other
 * partitions mid-stream, so a session's later records would be read by another worker before its earlier ones are
 * done. Repartitioning is an operator's step (README "Scaling"). Pure: no I/O.
 *
 * @param create topics to create, with the wanted partition count
 * @param mismatched existing topics whose partition count differs from the wanted one (left unchanged)
 */
public record TopicPlan(List<Wanted> create, List<Mismatch> mismatched) {

  /** A topic the service wants, and with how many partitions and which topic configs if it has to create it. */
  public record Wanted(String name, int partitions, Map<String, String> configs) {

    public Wanted {
      configs = Map.copyOf(configs);
    }

    public Wanted(String name, int partitions) {
      this(name, partitions, Map.of());
    }
  }

  /** An existing topic with {@code existing} partitions where the configuration asks for {@code wanted}. */
  public record Mismatch(String name, int existing, int wanted) {
  }

  /** The plan for {@code wanted} topics when the broker holds {@code existing} (name to partition count). */
  public static TopicPlan of(List<Wanted> wanted, Map<String, Integer> existing) {
    List<Wanted> create = new ArrayList<>();
    List<Mismatch> mismatched = new ArrayList<>();
    for (Wanted w : wanted) {
      Integer partitions = existing.get(w.name());
      if (partitions == null) {
        create.add(w);
      } else if (partitions != w.partitions()) {
        mismatched.add(new Mismatch(w.name(), partitions, w.partitions()));
      }
    }
    return new TopicPlan(List.copyOf(create), List.copyOf(mismatched));
  }
}
