package dev.rstt.gateway.limits;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A token bucket on socket upgrades per client address: {@code burst} at once, then one per {@code refill}. Every
 * attempt costs a token, so a client retrying at once is slowed down. IPv4 addresses count one by one; IPv6
 * addresses by their /64 (one subscriber's prefix, which a client can walk through freely). Time comes from the
 * injected clock; memory is bounded: addresses whose bucket is full again are forgotten.
 */
public final class AddressRate {

  /** An attempt's outcome: allowed, or when to retry. */
  public record Decision(boolean allowed, Duration retryAfter) {
  }

  private static final int PRUNE_AT = 100_000;

  private final int burst;
  private final long refillNanos;
  private final Clock clock;
  private final Map<String, TokenBucket> buckets = new HashMap<>();

  public AddressRate(int burst, Duration refill, Clock clock) {
    this.burst = burst;
    this.refillNanos = refill.toNanos();
    this.clock = clock;
  }

  /** The key an address is counted under: the IPv4 address, or the /64 of an IPv6 address. */
  public static String key(InetAddress address) {
    if (address instanceof Inet6Address) {
      byte[] prefix = Arrays.copyOf(address.getAddress(), 8);
      StringBuilder sb = new StringBuilder("v6:");
      for (byte b : prefix) {
        sb.append(String.format("%02x", b));
      }
      return sb.append("/64").toString();
    }
    return address.getHostAddress();
  }

  public synchronized Decision tryAcquire(String key) {
    long now = nowNanos();
    long wait = buckets.computeIfAbsent(key, k -> new TokenBucket(burst, refillNanos, now)).take(now);
    if (wait > 0) {
      return new Decision(false, Duration.ofNanos(wait));
    }
    if (buckets.size() > PRUNE_AT) {
      prune(now);
    }
    return new Decision(true, Duration.ZERO);
  }

  synchronized int tracked() {
    return buckets.size();
  }

  private void prune(long now) {
    for (Iterator<TokenBucket> it = buckets.values().iterator(); it.hasNext(); ) {
      if (it.next().full(now)) {
        it.remove();
      }
    }
  }

  private long nowNanos() {
    return Duration.between(java.time.Instant.EPOCH, clock.instant()).toNanos();
  }
}
