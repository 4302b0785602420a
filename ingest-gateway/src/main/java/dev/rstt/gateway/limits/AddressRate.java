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
  private final Map<String, Bucket> buckets = new HashMap<>();

  private static final class Bucket {
    double tokens;
    long refilledAtNanos;
  }

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
    Bucket bucket = buckets.computeIfAbsent(key, k -> {
      Bucket b = new Bucket();
      b.tokens = burst;
      b.refilledAtNanos = now;
      return b;
    });
    refill(bucket, now);
    if (bucket.tokens < 1.0) {
      return new Decision(false, Duration.ofNanos((long) Math.ceil((1.0 - bucket.tokens) * refillNanos)));
    }
    bucket.tokens -= 1.0;
    if (buckets.size() > PRUNE_AT) {
      prune(now);
    }
    return new Decision(true, Duration.ZERO);
  }

  synchronized int tracked() {
    return buckets.size();
  }

  private void refill(Bucket bucket, long now) {
    long elapsed = now - bucket.refilledAtNanos;
    if (elapsed > 0) {
      bucket.tokens = Math.min(burst, bucket.tokens + (double) elapsed / refillNanos);
      bucket.refilledAtNanos = now;
    }
  }

  private void prune(long now) {
    for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
      Bucket b = it.next();
      refill(b, now);
      if (b.tokens >= burst) {
        it.remove();
      }
    }
  }

  private long nowNanos() {
    return Duration.between(java.time.Instant.EPOCH, clock.instant()).toNanos();
  }
}
