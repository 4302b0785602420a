package dev.rstt.tools.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * A chaos run's faults, drawn from a seed: pure (no clock, no I/O), so a seed always gives the same schedule for the
 * same options.
 *
 * <p>How it draws: first one event of every enabled kind (the longest kinds first, so a long broker stall finds
 * room; kinds of one length in an order shuffled by the seed), then events of random
 * kinds until about one per {@code meanGapMs} of run. For each, a duration uniform in the kind's range and,
 * independently, a start uniform in {@code [warmup, run - duration]}; the draw is kept only if the kind's
 * {@link FaultKind.Slot} is free over the whole time it holds it and fewer than {@code maxActive} faults are active at
 * every moment of it, else it is drawn again (up to {@value #ATTEMPTS} times). A schedule where a kind still does
 * not fit is drawn again as a whole, from the same generator, up to {@value #SCHEDULE_ATTEMPTS} times; a kind that
 * never fits is reported in {@link #unplaced()}. So faults overlap freely, bounded so the run still makes progress,
 * and every fault has ended by the run's end.
 *
 * <p>Socket drops ({@link FaultKind#SOCKET_DROP}, the apps' side) come on top, about one per
 * {@value #SOCKET_DROP_GAP_MS} ms, and do not count toward {@code maxActive}.
 *
 * <p>A fault lasts at most 20 % of the run (so a short CI run still fits every kind), broker stalls up to
 * {@code min(5 min, 45 % of the run)}; in a run of at least {@value #LONG_RUN_MINUTES}
 * minutes the first one is a long one ({@value #LONG_STALL_MIN_MS}-300 s, whatever the run's length), beyond the
 * producers' old 120 s delivery timeout.
 */
public final class ChaosSchedule {

  /** A one-off close holds its slot this long (the injector removes it once applied). */
  public static final long INSTANT_HOLD_MS = 2_000;
  /** A restarted JVM takes about this long to serve again; its slot stays taken meanwhile. */
  public static final long RESTART_GUARD_MS = 30_000;
  static final int ATTEMPTS = 400;
  /** Whole schedules drawn (from the same seeded generator) until one fits every kind. */
  static final int SCHEDULE_ATTEMPTS = 20;
  /** In a short run a fault lasts at most this share (%) of it, so every kind finds room. */
  static final int SHORT_RUN_SHARE = 20;
  static final int LONG_RUN_MINUTES = 8;
  static final long LONG_STALL_MIN_MS = 240_000;
  /** Socket drops come on top of the other faults, about one per this long. */
  static final long SOCKET_DROP_GAP_MS = 10_000;

  /** What to draw. */
  public record Options(long runMs, Set<FaultKind> kinds, int maxActive, int gateways, long warmupMs,
      long meanGapMs) {

    public Options {
      Objects.requireNonNull(kinds, "kinds");
      kinds = kinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(kinds));
      if (runMs < 10_000) {
        throw new IllegalArgumentException("A chaos run lasts at least 10 s, not " + runMs + " ms");
      }
      if (maxActive < 1) {
        throw new IllegalArgumentException("maxActive must be at least 1, was " + maxActive);
      }
      if (gateways < 1) {
        throw new IllegalArgumentException("gateways must be at least 1, was " + gateways);
      }
      if (warmupMs < 0 || warmupMs >= runMs) {
        throw new IllegalArgumentException("warmup must lie inside the run");
      }
      if (meanGapMs < 1_000) {
        throw new IllegalArgumentException("meanGap must be at least 1 s");
      }
    }

    /** Every kind, the broker stall and gateway kills only where they can be done. */
    public static Options of(long runMs, int gateways, boolean brokerStall, int maxActive) {
      EnumSet<FaultKind> kinds = EnumSet.allOf(FaultKind.class);
      if (gateways < 2) {
        kinds.remove(FaultKind.KILL_GATEWAY);
      }
      if (!brokerStall) {
        kinds.remove(FaultKind.BROKER_STALL);
      }
      return new Options(runMs, kinds, maxActive, gateways, Math.min(15_000, runMs / 10), 15_000);
    }
  }

  private final long seed;
  private final Options options;
  private final List<FaultEvent> events;
  private final List<FaultKind> unplaced;

  private ChaosSchedule(long seed, Options options, List<FaultEvent> events, List<FaultKind> unplaced) {
    this.seed = seed;
    this.options = options;
    this.events = List.copyOf(events);
    this.unplaced = List.copyOf(unplaced);
  }

  public static ChaosSchedule generate(long seed, Options options) {
    Random random = new Random(seed);
    ChaosSchedule schedule = null;
    for (int attempt = 0; attempt < SCHEDULE_ATTEMPTS && (schedule == null || !schedule.unplaced.isEmpty());
        attempt++) {
      schedule = draw(random, seed, options);
    }
    return schedule;
  }

  private static ChaosSchedule draw(Random random, long seed, Options options) {
    List<FaultKind> enabled = new ArrayList<>(new java.util.TreeSet<>(options.kinds()));
    List<FaultKind> order = new ArrayList<>(enabled);
    java.util.Collections.shuffle(order, random);
    // the longest first, so that a run crowded by short faults still finds room for a long broker stall
    order.sort(Comparator.comparingLong((FaultKind k) -> -k.maxDurationMs() - (k.kill() ? RESTART_GUARD_MS : 0)));
    long target = Math.max(order.size(), options.runMs() / options.meanGapMs());
    while (!enabled.isEmpty() && order.size() < target) {
      order.add(enabled.get(random.nextInt(enabled.size())));
    }
    if (enabled.contains(FaultKind.SOCKET_DROP)) { // phones lose their network often: one drop per SOCKET_DROP_GAP_MS
      for (long n = options.runMs() / SOCKET_DROP_GAP_MS; n > 1; n--) {
        order.add(FaultKind.SOCKET_DROP);
      }
    }
    List<FaultEvent> placed = new ArrayList<>();
    List<FaultKind> unplaced = new ArrayList<>();
    boolean longStallDrawn = false;
    for (int i = 0; i < order.size(); i++) {
      FaultKind kind = order.get(i);
      boolean mustHave = i < enabled.size();
      boolean longStall = kind == FaultKind.BROKER_STALL && !longStallDrawn
          && options.runMs() >= LONG_RUN_MINUTES * 60_000L;
      FaultEvent event = place(random, options, kind, placed, placed.size() + 1, longStall);
      if (event != null) {
        placed.add(event);
        longStallDrawn |= longStall;
      } else if (mustHave) {
        unplaced.add(kind);
      }
    }
    placed.sort(Comparator.comparingLong(FaultEvent::atMs).thenComparingInt(FaultEvent::id));
    List<FaultEvent> numbered = new ArrayList<>();
    for (FaultEvent e : placed) {
      numbered.add(new FaultEvent(numbered.size() + 1, e.kind(), e.atMs(), e.durationMs(), e.param()));
    }
    return new ChaosSchedule(seed, options, numbered, unplaced);
  }

  private static FaultEvent place(Random random, Options o, FaultKind kind, List<FaultEvent> placed, int id,
      boolean longStall) {
    long min = kind.minDurationMs();
    long max = kind.maxDurationMs();
    if (kind != FaultKind.BROKER_STALL) {
      max = Math.max(min, Math.min(max, o.runMs() * SHORT_RUN_SHARE / 100));
    }
    if (kind == FaultKind.BROKER_STALL) {
      if (longStall) { // the catalogue's whole range up to 5 min, so a 10-minute run can stall the broker 5 minutes
        min = LONG_STALL_MIN_MS;
      } else {
        max = Math.max(min, Math.min(max, o.runMs() * 45 / 100));
      }
    }
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      long duration = min + (max > min ? (long) (random.nextDouble() * (max - min)) : 0);
      duration = duration / 100 * 100;
      int param = switch (kind) {
        case LIVE_FLAPPING -> 200 + random.nextInt(401);
        case PRERECORDED_SLOW -> 2_000 + random.nextInt(6_001);
        case KILL_GATEWAY -> random.nextInt(o.gateways());
        case SOCKET_DROP -> random.nextInt(1_000);
        default -> 0;
      };
      FaultEvent candidate = new FaultEvent(id, kind, 0, duration, param);
      long hold = candidate.occupiedUntilMs();
      long latest = o.runMs() - hold;
      if (latest < o.warmupMs()) {
        continue;
      }
      long at = o.warmupMs() + (long) (random.nextDouble() * (latest - o.warmupMs()));
      at = at / 100 * 100;
      FaultEvent event = new FaultEvent(id, kind, at, duration, param);
      if (fits(event, placed, o.maxActive())) {
        return event;
      }
    }
    return null;
  }

  /**
   * The slot is free while the event holds it, and fewer than maxActive faults of the stack are active at any moment
   * of it (a dropped app socket is the apps' side: it only needs its slot).
   */
  static boolean fits(FaultEvent event, List<FaultEvent> placed, int maxActive) {
    long from = event.atMs();
    long to = event.occupiedUntilMs();
    List<FaultEvent> overlapping = new ArrayList<>();
    for (FaultEvent p : placed) {
      if (p.overlaps(from, to)) {
        if (p.kind().slot() == event.kind().slot()) {
          return false;
        }
        if (!p.kind().appSide()) {
          overlapping.add(p);
        }
      }
    }
    if (event.kind().appSide()) {
      return true;
    }
    // The number active only rises at a start, so checking each start inside the window is enough.
    List<Long> instants = new ArrayList<>();
    instants.add(from);
    for (FaultEvent p : overlapping) {
      if (p.atMs() > from) {
        instants.add(p.atMs());
      }
    }
    for (long t : instants) {
      int active = 1;
      for (FaultEvent p : overlapping) {
        if (p.atMs() <= t && t < p.occupiedUntilMs()) {
          active++;
        }
      }
      if (active > maxActive) {
        return false;
      }
    }
    return true;
  }

  /** The greatest number of faults of the stack active at one moment. */
  public int maxConcurrent() {
    int max = 0;
    for (FaultEvent e : events) {
      int active = 0;
      for (FaultEvent p : events) {
        if (!p.kind().appSide() && p.atMs() <= e.atMs() && e.atMs() < p.occupiedUntilMs()) {
          active++;
        }
      }
      max = Math.max(max, active);
    }
    return max;
  }

  public long seed() {
    return seed;
  }

  public Options options() {
    return options;
  }

  /** By start time. */
  public List<FaultEvent> events() {
    return events;
  }

  /** Enabled kinds that did not fit into this run (too short, or too crowded). */
  public List<FaultKind> unplaced() {
    return unplaced;
  }
}
