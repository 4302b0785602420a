package dev.rstt.gateway.resume;

import dev.rstt.avro.SessionUpdate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Holds a resumed socket's live updates while the transcript snapshot is fetched (docs/CONTRACT.md section 10), so
 * the snapshot never overwrites a newer segment: once it is sent, the held updates newer than the snapshot's
 * revision follow in order and older ones are dropped. Bounded: past {@code max} held updates the gate opens by
 * itself (the snapshot then only adds what is missing). Pure; the session serialises.
 */
public final class UpdateGate {

  private final int max;
  private final List<SessionUpdate> held = new ArrayList<>();
  private boolean closed;

  public UpdateGate(int max) {
    this.max = max;
  }

  /** Start holding (a snapshot is being fetched). */
  public void close() {
    closed = true;
  }

  /** True when {@code update} is held; false when it is to be delivered now. */
  public boolean hold(SessionUpdate update) {
    if (!closed || held.size() >= max) {
      return false;
    }
    held.add(update);
    return true;
  }

  /**
   * The snapshot of revision {@code snapshotRevision} was sent (or none could be fetched: {@code -1}); returns the
   * held updates to deliver now, in revision order.
   */
  public List<SessionUpdate> open(long snapshotRevision) {
    closed = false;
    List<SessionUpdate> out = new ArrayList<>();
    for (SessionUpdate u : held) {
      if (u.getRevision() > snapshotRevision) {
        out.add(u);
      }
    }
    held.clear();
    out.sort(Comparator.comparingLong(SessionUpdate::getRevision));
    return out;
  }

  public boolean isClosed() {
    return closed;
  }
}
