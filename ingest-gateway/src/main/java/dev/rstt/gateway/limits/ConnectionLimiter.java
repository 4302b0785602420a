package dev.rstt.gateway.limits;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Reconnect-storm guard: a cap on concurrent sessions per user and a token bucket on new connections per
 * user. Time comes from the injected clock. Memory is bounded: users with a full bucket and no session are
 * forgotten.
 */
public final class ConnectionLimiter {

  /** The outcome of a connection attempt. */
  public record Decision(boolean allowed, String reason, Duration retryAfter) {
    static final Decision OK = new Decision(true, null, Duration.ZERO);
  }

  private static final int PRUNE_AT = 100_000;

  private final int maxSessionsPerUser;
  private final int burst;
  private final long refillNanos;
  private final Clock clock;
  private final Map<String, UserState> users = new HashMap<>();

  private static final class UserState {
    int sessions;
    final TokenBucket connects;

    UserState(TokenBucket connects) {
      this.connects = connects;
    }
  }

  public ConnectionLimiter(int maxSessionsPerUser, int burst, Duration refill, Clock clock) {
    this.maxSessionsPerUser = maxSessionsPerUser;
    this.burst = burst;
    this.refillNanos = refill.toNanos();
    this.clock = clock;
  }

  /** Takes a token and a session slot for {@code user}, or says why not and when to retry. */
  public synchronized Decision tryAcquire(String user) {
    long now = nowNanos();
    UserState state = users.computeIfAbsent(user, u -> new UserState(new TokenBucket(burst, refillNanos, now)));
    long wait = state.connects.take(now); // a token per attempt, refused ones too: a storm of retries is slowed down
    if (wait > 0) {
      return new Decision(false, "connect_rate", Duration.ofNanos(wait));
    }
    if (state.sessions >= maxSessionsPerUser) {
      return new Decision(false, "too_many_sessions", Duration.ofNanos(Math.max(refillNanos, 1_000_000_000L)));
    }
    state.sessions++;
    if (users.size() > PRUNE_AT) {
      prune(now);
    }
    return Decision.OK;
  }

  /** Frees the session slot taken by an allowed {@link #tryAcquire}. */
  public synchronized void release(String user) {
    UserState state = users.get(user);
    if (state == null) {
      return;
    }
    state.sessions = Math.max(0, state.sessions - 1);
    if (state.sessions == 0 && state.connects.full(nowNanos())) {
      users.remove(user);
    }
  }

  public synchronized int sessions(String user) {
    UserState state = users.get(user);
    return state == null ? 0 : state.sessions;
  }

  private void prune(long now) {
    for (Iterator<UserState> it = users.values().iterator(); it.hasNext(); ) {
      UserState s = it.next();
      if (s.sessions == 0 && s.connects.full(now)) {
        it.remove();
      }
    }
  }

  private long nowNanos() {
    Duration d = Duration.between(java.time.Instant.EPOCH, clock.instant());
    return d.toNanos();
  }
}
