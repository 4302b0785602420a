package dev.rstt.tools.chaos;

import dev.rstt.testsupport.ToneScript;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
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
 * before {@code session_started} or {@code session_resumed} (1013 while Kafka or session.positions is away, a
 * gateway that is down) is retried with back-off ({@link RefusalPolicy}: from 1 s, doubling, at least
 * {@code retry_after_seconds}, at most 10 s), the same session again if it was a resume; audio goes at real-time
 * pace, and a gateway that stops reading holds it back (the app's local buffer), to be sent as fast as the gateway
 * reads once it does; a socket that drops (its gateway killed, or the app's network gone: {@link #dropSocket}) is
 * replaced by one that resumes the same session (docs/CONTRACT.md section 10; the same gateway first after the app's
 * own drop, else the next) and sends from the message index {@code session_resumed} gives; only a resume refused
 * {@code session_not_resumable} (the session ended) starts a new session, from the first message no
 * {@code audio_durable} covered (see {@link LegRecord}); after the last frame, {@code stop} (again after a resume),
 * then wait for the close (1000, or 4010 {@code transcript_pending}; anything else is resumed too).
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
  private final Map<Integer, AppSocket> active = new ConcurrentHashMap<>();
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

  /**
   * Aborts one of the sockets open now ({@code pick} chooses which, in slot order): the phone's network drops. False
   * when none is open.
   */
  public boolean dropSocket(int pick) {
    List<Map.Entry<Integer, AppSocket>> open = new ArrayList<>(active.entrySet());
    open.removeIf(e -> e.getValue().isClosed());
    if (open.isEmpty()) {
      return false;
    }
    open.sort(Map.Entry.comparingByKey());
    Map.Entry<Integer, AppSocket> chosen = open.get(Math.floorMod(pick, open.size()));
    log.accept(String.format("slot %02d: socket dropped (socket_drop)", chosen.getKey()));
    chosen.getValue().drop();
    return true;
  }

  private void runSession(int slot, String name, ToneScript script) {
    List<byte[]> frames = script.frames(FRAME_MS);
    String user = "chaos-" + Long.toUnsignedString(seed, 36) + "-" + slot;
    int next = 0; // the next script frame to send
    int base = 0; // the script frame where the current pipeline session's timeline starts
    String sessionId = null; // the pipeline session to resume, once one started
    long heardDurable = 0; // audio_durable of the current pipeline session: the app keeps every message after it
    boolean stopSent = false;
    int gatewayTry = slot;
    int refusedInARow = 0;
    for (int leg = 0; ; leg++) {
      AppSocket socket = null;
      String started = null;
      int gateway = -1;
      while (started == null) {
        if (System.currentTimeMillis() > hardEndMs) {
          notes.add(name + ": abandoned at leg " + leg + ": no gateway accepted "
              + (sessionId == null ? "a session" : "the resume of " + sessionId) + " before the hard end");
          return;
        }
        gateway = Math.floorMod(gatewayTry, gateways.size());
        socket = null;
        try {
          socket = AppSocket.open(http, gateways.get(gateway), tokenForUser.apply(user), ChaosScripts.SAMPLE_RATE,
              sessionId);
          started = socket.awaitStarted(Duration.ofSeconds(30));
          if (started == null) {
            if (!socket.isClosed()) {
              socket.abort();
            }
          }
        } catch (Exception e) {
          // the gateway is down or refused the upgrade
        }
        RefusalPolicy.Next answer = started != null ? null : RefusalPolicy.next(sessionId != null,
            socket == null ? null : socket.errorCode(), refusedInARow,
            socket == null ? 0 : socket.retryAfterSeconds());
        if (answer != null && answer.ended() && socket != null) {
          // the session ended meanwhile (stopped and stored, or its window passed): recorded for the checker
          legs.add(new LegRecord(name, leg, user, script.words(), ChaosScripts.SAMPLE_RATE, samplesAt(next), 0,
              gateway, sessionId, System.currentTimeMillis(), null, socket.awaitClose(Duration.ofSeconds(5)),
              socket.closeReason(), socket.errorCode(), System.currentTimeMillis(), socket.events(), null, null,
              samplesAt(base), true, false));
          log.accept(String.format("%s leg %d (%s, gateway %d): resume refused (%s)", name, leg, sessionId, gateway,
              socket.errorCode()));
          leg++;
          refusedInARow = 0;
          if (stopSent) {
            return; // stopped: the stored transcript tells the rest
          }
          next = base + (int) heardDurable; // a new session, from the first message not known to be stored
          base = next;
          sessionId = null;
          heardDurable = 0;
          continue;
        }
        if (started == null) {
          refusals.incrementAndGet();
          refusedInARow++;
          gatewayTry++;
          sleepUntil(System.currentTimeMillis() + answer.delayMs());
        }
      }
      refusedInARow = 0;
      boolean resumed = sessionId != null;
      if (resumed) {
        next = base + (int) Math.min(socket.resumedFrames(), frames.size() - base);
      } else {
        sessionId = started;
        base = next;
        stopSent = false;
      }
      active.put(slot, socket);
      long firstSample = samplesAt(next);
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
      if (!dropped && socket.stop()) { // again after a resume: a session taken over elsewhere needs it
        stopAt = System.currentTimeMillis();
        stopSent = true;
        code = socket.awaitClose(CLOSE_WAIT);
      } else {
        code = socket.awaitClose(Duration.ofSeconds(5));
      }
      if (code == LegRecord.NEVER) {
        socket.abort();
      }
      active.remove(slot, socket);
      heardDurable = Math.max(heardDurable, socket.durableFrames());
      long closedAt = socket.closedAtMs() > 0 ? socket.closedAtMs() : System.currentTimeMillis();
      legs.add(new LegRecord(name, leg, user, script.words(), ChaosScripts.SAMPLE_RATE, firstSample, sent, gateway,
          sessionId, startedAt, stopAt, code, socket.closeReason(), socket.errorCode(), closedAt, socket.events(),
          null, null, samplesAt(base), resumed, socket.dropped()));
      log.accept(String.format("%s leg %d (%s%s, gateway %d): frames %d-%d of %d sent, closed %d%s", name, leg,
          sessionId, resumed ? " resumed" : "", gateway, firstFrame, next - 1, frames.size(), code,
          stopAt == null ? " before stop" : ""));
      boolean finalClose = stopSent && (code == 1000 || code == 4010 || code == 4011);
      if (finalClose || System.currentTimeMillis() > hardEndMs) {
        return;
      }
      // anything else (a dropped socket, a killed gateway, audio not stored yet, a close the app did not ask for):
      // resume the session, on the same gateway first unless the socket died without a close from it
      gatewayTry = socket.dropped() || code >= 1000 ? gateway : gateway + 1;
    }
  }

  private static long samplesAt(int frame) {
    return (long) frame * ChaosScripts.SAMPLE_RATE * FRAME_MS / 1000;
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
