package dev.rstt.gateway.limits;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The instance's cap on app sockets ({@code limits.max-sockets}): a permit is taken before the WebSocket upgrade and
 * given back when the connection closes (or at once when the upgrade does not happen).
 */
public final class SocketPermits {

  private final int max;
  private final AtomicInteger inUse = new AtomicInteger();

  public SocketPermits(int max) {
    this.max = max;
  }

  /** A permit, or null when {@code max} are in use. */
  public Permit tryAcquire() {
    while (true) {
      int now = inUse.get();
      if (now >= max) {
        return null;
      }
      if (inUse.compareAndSet(now, now + 1)) {
        return new Permit();
      }
    }
  }

  public int inUse() {
    return inUse.get();
  }

  public int max() {
    return max;
  }

  /** One socket's place; released once, however many times {@link #release} is called. */
  public final class Permit {
    private final AtomicBoolean released = new AtomicBoolean();
    private final AtomicBoolean claimed = new AtomicBoolean();

    private Permit() {
    }

    /** The upgrade happened: the socket holds the permit until its connection closes. */
    public boolean claim() {
      return !released.get() && claimed.compareAndSet(false, true);
    }

    public boolean claimed() {
      return claimed.get();
    }

    public void release() {
      if (released.compareAndSet(false, true)) {
        inUse.decrementAndGet();
      }
    }
  }
}
