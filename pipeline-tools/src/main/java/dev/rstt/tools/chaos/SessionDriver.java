package dev.rstt.tools.chaos;

import dev.rstt.testsupport.ToneScript;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * K app slots, each running tone-word sessions back to back until the run's end, so that at any moment some
 * sessions are connecting, some streaming, some waiting for their transcript after {@code stop}. Each slot draws its
 * scripts and pauses from the seed (slot {@code i} from {@code seed ^ i}), so the sessions are reproducible; when
 * each starts depends on the stack's pace.
 *
 * <p>An app's behaviour: connect to a gateway (the slot's own first, another after a failure); a socket refused
 * before {@code session_started} (1013 while Kafka is away, a gateway that is down) is retried after
 * {@code retry_after_seconds} (or 2 s); audio goes at real-time pace, and a gateway that stops reading holds it back
 * (the app's local buffer), to be sent as fast as the gateway reads once it does; a socket that drops mid-session is
 * replaced by a new one on another gateway, which goes on from the first frame not sent (a new pipeline session,
 * today: see {@link LegRecord}); after the last frame, {@code stop}, then wait for the close.
 */
public final class SessionDriver {

  static final int FRAME_MS = 100;
  /** A frame the gateway does not take for this long fails the socket (a broker stall lasts at most 5 min). */
  static final Duration SEND_TIMEOUT = Duration.ofMinutes(10);
  static final Duration CLOSE_WAIT = Duration.ofMinutes(8);

  /** Script lengths, slot pauses. */
  public record Options(int sessions, int minScriptSeconds, int maxScriptSeconds, int maxPauseMs) {
  }

  private final long seed;
  private final Options options;
  private final List<String> gateways;
  private final Function<String, String> tokenForUser;
  private final Consumer<String> log;
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final List<LegRecord> legs = Collections.synchronizedList(new ArrayList<>());
  private final List<String> notes = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger refusals = new AtomicInteger();
  private final List<Thread> threads = new ArrayList<>();
  private volatile long runEndMs;
  private volatile long hardEndMs;

  public SessionDriver(long seed, Options options, List<String> gateways, Function<String, String> tokenForUser,
      Consumer<String> log) {
    this.seed = seed;
    this.options = options;
    this.gateways = List.copyOf(gateways);
    this.tokenForUser = tokenForUser;
    this.log = log;
  }

  /** Starts the slots: new sessions start until {@code runEndMs}; everything is abandoned at {@code hardEndMs}. */
  public void start(long runEndMs, long hardEndMs) {
    this.runEndMs = runEndMs;
    this.hardEndMs = hardEndMs;
    for (int slot = 0; slot < options.sessions(); slot++) {
      int s = slot;
      Thread t = new Thread(() -> runSlot(s), String.format("chaos-app-%02d", slot));
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Waits for every slot to finish its last session. */
  public boolean join(long untilMs) throws InterruptedException {
    for (Thread t : threads) {
      t.join(Math.max(1, untilMs - System.currentTimeMillis()));
    }
    return threads.stream().noneMatch(Thread::isAlive);
  }

  public List<LegRecord> legs() {
    synchronized (legs) {
      return List.copyOf(legs);
    }
  }

  public List<String> notes() {
    synchronized (notes) {
      return List.copyOf(notes);
    }
  }

  /** Sockets refused before a session started (a stalled broker, a gateway down): retried, not violations. */
  public int refusals() {
    return refusals.get();
  }

  private void runSlot(int slot) {
    Random random = new Random(seed ^ (0x9E3779B97F4A7C15L * (slot + 1)));
    sleepUntil(System.currentTimeMillis() + random.nextInt(Math.max(1, options.maxPauseMs())));
    for (int n = 0; System.currentTimeMillis() < runEndMs; n++) {
      ToneScript script = ChaosScripts.next(random, options.minScriptSeconds(), options.maxScriptSeconds());
      int pause = random.nextInt(Math.max(1, options.maxPauseMs()));
      try {
        runSession(slot, String.format("s%02d-%d", slot, n), script);
      } catch (RuntimeException e) {
        notes.add(String.format("s%02d-%d: driver error %s", slot, n, e));
        log.accept(String.format("s%02d-%d: driver error %s", slot, n, e));
      }
      sleepUntil(System.currentTimeMillis() + pause);
    }
  }

  private void runSession(int slot, String name, ToneScript script) {
    List<byte[]> frames = script.frames(FRAME_MS);
    String user = "chaos-" + Long.toUnsignedString(seed, 36) + "-" + slot;
    int next = 0;
    int gatewayTry = slot;
    for (int leg = 0; ; leg++) {
      AppSocket socket = null;
      String sessionId = null;
      int gateway = -1;
      while (sessionId == null) {
        if (System.currentTimeMillis() > hardEndMs) {
          notes.add(name + ": abandoned at leg " + leg + ": no gateway accepted a session before the hard end");
          return;
        }
        gateway = Math.floorMod(gatewayTry, gateways.size());
        long retryMs = 2_000;
        try {
          socket = AppSocket.open(http, gateways.get(gateway), tokenForUser.apply(user), ChaosScripts.SAMPLE_RATE);
          sessionId = socket.awaitStarted(Duration.ofSeconds(30));
          if (sessionId == null) {
            retryMs = Math.max(retryMs, socket.retryAfterSeconds() * 1000);
            if (!socket.isClosed()) {
              socket.abort();
            }
          }
        } catch (Exception e) {
          // the gateway is down or refused the upgrade
        }
        if (sessionId == null) {
          refusals.incrementAndGet();
          gatewayTry++;
          sleepUntil(System.currentTimeMillis() + Math.min(retryMs, 10_000));
        }
      }
      long firstSample = (long) next * ChaosScripts.SAMPLE_RATE * FRAME_MS / 1000;
      long startedAt = System.currentTimeMillis();
      long sent = 0;
      long startNanos = System.nanoTime();
      int firstFrame = next;
      boolean dropped = false;
      for (; next < frames.size(); next++) {
        long due = startNanos + (next - firstFrame) * FRAME_MS * 1_000_000L;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
        if (!socket.send(frames.get(next), SEND_TIMEOUT)) {
          dropped = true;
          break;
        }
        sent += frames.get(next).length / 2;
      }
      Long stopAt = null;
      int code;
      if (!dropped && socket.stop()) {
        stopAt = System.currentTimeMillis();
        code = socket.awaitClose(CLOSE_WAIT);
      } else {
        code = socket.awaitClose(Duration.ofSeconds(5));
      }
      if (code == LegRecord.NEVER) {
        socket.abort();
      }
      long closedAt = socket.closedAtMs() > 0 ? socket.closedAtMs() : System.currentTimeMillis();
      legs.add(new LegRecord(name, leg, user, script.words(), ChaosScripts.SAMPLE_RATE, firstSample, sent, gateway,
          sessionId, startedAt, stopAt, code, socket.closeReason(), socket.errorCode(), closedAt, socket.events(),
          null, null));
      log.accept(String.format("%s leg %d (%s, gateway %d): frames %d-%d of %d sent, closed %d%s", name, leg,
          sessionId, gateway, firstFrame, next - 1, frames.size(), code, stopAt == null ? " before stop" : ""));
      if (next >= frames.size() || System.currentTimeMillis() > hardEndMs) {
        return;
      }
      gatewayTry = gateway + 1;
    }
  }

  private static void sleepUntil(long epochMs) {
    long ms = epochMs - System.currentTimeMillis();
    if (ms > 0) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
