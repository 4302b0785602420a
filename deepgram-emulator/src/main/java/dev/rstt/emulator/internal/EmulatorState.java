package dev.rstt.emulator.internal;

import dev.rstt.emulator.EmulatorSettings;
import dev.rstt.emulator.Realism;
import dev.rstt.emulator.RecordedRequest;
import io.netty.channel.Channel;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the endpoints of one emulator share: settings, counters, the injected faults, the realism switch, the open
 * live sockets and the pre-recorded requests held unanswered by a {@code no_answer: hang} fault.
 */
public final class EmulatorState {

  private static final Logger log = LoggerFactory.getLogger(EmulatorState.class);

  private final EmulatorSettings settings;
  private final Stats stats = new Stats();
  private final AtomicReference<Faults> faults = new AtomicReference<>(Faults.HEALTHY);
  private final Set<LiveSession> sessions = ConcurrentHashMap.newKeySet();
  private final Set<Channel> hung = ConcurrentHashMap.newKeySet();
  private final AtomicReference<Realism> realism;
  private final Deque<RecordedRequest> recorded = new ArrayDeque<>();
  /** How many recorded requests are kept. */
  public static final int RECORDED = 256;

  public EmulatorState(EmulatorSettings settings) {
    this.settings = settings;
    this.realism = new AtomicReference<>(settings.realism());
  }

  /** Realism for streams that start now (a live socket keeps what it opened with). */
  public Realism realism() {
    return realism.get();
  }

  public Realism setRealism(Realism next) {
    realism.set(next);
    log.info("Realism now {}", Json.write(RealismJson.toJson(next)));
    return next;
  }

  /** A pre-recorded request held without an answer; closed when the faults change. */
  void hang(Channel channel) {
    hung.add(channel);
    channel.closeFuture().addListener(f -> hung.remove(channel));
  }

  public EmulatorSettings settings() {
    return settings;
  }

  public Stats stats() {
    return stats;
  }

  public Faults faults() {
    return faults.get();
  }

  /** Replaces the faults and tells every open live socket (a new close_after_ms timer, or none). */
  public Faults setFaults(Faults next) {
    Faults applied = faults.updateAndGet(prev -> next.withGeneration(prev.generation() + 1));
    log.info("Faults now {}", Json.write(applied.toJson()));
    for (LiveSession s : sessions) {
      s.faultsChanged(applied);
    }
    for (Channel c : hung) {
      c.close(); // a held pre-recorded request ends without an answer
    }
    return applied;
  }

  /** True if {@code key} may use the API: any non-blank key when no keys are configured. */
  public boolean authorized(String key) {
    return key != null && !key.isBlank() && (settings.apiKeys().isEmpty() || settings.apiKeys().contains(key));
  }

  /** Records a {@code /v1/listen} request that got past auth and faults (the newest {@link #RECORDED} kept). */
  void record(String kind, String uri, int status) {
    Map<String, List<String>> query = new io.netty.handler.codec.http.QueryStringDecoder(uri).parameters();
    synchronized (recorded) {
      recorded.addLast(new RecordedRequest(kind, query, status));
      while (recorded.size() > RECORDED) {
        recorded.removeFirst();
      }
    }
  }

  /** The recorded requests, oldest first. */
  public List<RecordedRequest> requests() {
    synchronized (recorded) {
      return List.copyOf(recorded);
    }
  }

  /** Forgets the recorded requests. */
  public void clearRequests() {
    synchronized (recorded) {
      recorded.clear();
    }
  }

  void register(LiveSession s) {
    sessions.add(s);
  }

  void unregister(LiveSession s) {
    sessions.remove(s);
  }
}
