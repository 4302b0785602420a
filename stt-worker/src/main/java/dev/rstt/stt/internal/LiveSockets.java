package dev.rstt.stt.internal;

import dev.rstt.common.concurrent.AsyncFailures;
import dev.rstt.common.concurrent.Inbox;
import dev.rstt.common.deepgram.DeepgramException;
import dev.rstt.common.deepgram.DeepgramFailure;
import dev.rstt.stt.deepgram.DeepgramLiveClient;
import dev.rstt.stt.deepgram.FinalResult;
import dev.rstt.stt.deepgram.LiveConnection;
import dev.rstt.stt.deepgram.LiveListener;
import dev.rstt.stt.deepgram.LiveParams;
import dev.rstt.stt.session.Effect;
import dev.rstt.stt.session.Input;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The live sockets of every session, by {@code stt_session}: opens them through the handshake gate, sends what
 * the sessions ask, and hands socket events to the engine thread as session inputs. A socket a session gave up
 * ({@code Effect.AbortSocket}) is forgotten at once; its late events are dropped here. Engine thread only.
 */
final class LiveSockets {

  private static final class Socket {
    final SessionSlot slot;
    final String sttSession;
    final LiveParams params;
    final BreakerGate.Attempt attempt = new BreakerGate.Attempt();
    LiveConnection connection;
    boolean open;
    boolean aborted;

    Socket(SessionSlot slot, String sttSession, LiveParams params) {
      this.slot = slot;
      this.sttSession = sttSession;
      this.params = params;
    }
  }

  private final DeepgramLiveClient client;
  private final BreakerGate breaker;
  private final Inbox inbox;
  private final EngineMetrics metrics;
  private final BiConsumer<SessionSlot, Input> sessions;
  private final HandshakeGate<Socket> gate;
  private final Map<String, Socket> sockets = new HashMap<>();

  /** @param sessions where socket events go (on the engine thread) */
  LiveSockets(DeepgramLiveClient client, BreakerGate breaker, int maxConcurrentHandshakes, Inbox inbox,
      EngineMetrics metrics, BiConsumer<SessionSlot, Input> sessions) {
    this.client = client;
    this.breaker = breaker;
    this.inbox = inbox;
    this.metrics = metrics;
    this.sessions = sessions;
    this.gate = new HandshakeGate<>(maxConcurrentHandshakes, this::handshake);
  }

  void open(SessionSlot slot, Effect.OpenSocket o) {
    Socket socket = new Socket(slot, o.sttSession(),
        new LiveParams(o.language(), o.sampleRate(), o.channels(), o.keyterms(), slot.channel));
    sockets.put(o.sttSession(), socket);
    gate.submit(socket);
  }

  private void handshake(Socket s) {
    breaker.started(s.attempt);
    client.connect(s.params, new Events(s)).whenComplete((connection, error) -> inbox.post(() -> {
      gate.done();
      connected(s, connection, error);
    }));
  }

  private void connected(Socket s, LiveConnection connection, Throwable error) {
    if (error != null) {
      Throwable cause = AsyncFailures.unwrap(error);
      breaker.refused(s.attempt, cause);
      if (!s.aborted) {
        sockets.remove(s.sttSession);
        String reason = cause instanceof DeepgramException dg && dg.status() > 0 ? "handshake_" + dg.status()
            : "connect_" + cause.getClass().getSimpleName();
        sessions.accept(s.slot, new Input.ConnectFailed(s.sttSession, DeepgramFailure.of(cause), reason,
            cause.toString()));
      }
      return;
    }
    if (s.aborted) {
      connection.abort(); // the session gave the attempt up while it was in flight
      return;
    }
    s.connection = connection;
    s.open = true;
    metrics.liveSockets.incrementAndGet();
    sessions.accept(s.slot, new Input.SocketOpened(s.sttSession));
  }

  void send(String sttSession, ByteBuffer pcm) {
    withConnection(sttSession, c -> c.sendAudio(pcm));
  }

  void keepAlive(String sttSession) {
    withConnection(sttSession, LiveConnection::keepAlive);
  }

  void finalizeStream(String sttSession) {
    withConnection(sttSession, LiveConnection::finalizeStream);
  }

  void closeStream(String sttSession) {
    withConnection(sttSession, LiveConnection::closeStream);
  }

  void proved(String sttSession) {
    Socket s = sockets.get(sttSession);
    if (s != null) {
      breaker.proved(s.attempt);
    }
  }

  void died(String sttSession, String reason) {
    Socket s = sockets.get(sttSession);
    if (s != null) {
      breaker.died(s.attempt, reason);
    }
  }

  /** Drops a socket, a handshake in flight or one waiting for the gate. */
  void abort(String sttSession) {
    Socket s = sockets.remove(sttSession);
    if (s == null) {
      return;
    }
    s.aborted = true;
    breaker.abandoned(s.attempt);
    gate.cancel(s);
    if (s.connection != null) {
      s.connection.abort();
    }
    closed(s);
  }

  /** Drops every socket of a session that is no longer held (partition revoked, shutdown). */
  void abortAll(SessionSlot slot) {
    List<String> of = new ArrayList<>();
    sockets.forEach((stt, s) -> {
      if (s.slot == slot) {
        of.add(stt);
      }
    });
    of.forEach(this::abort);
  }

  private void closed(Socket s) {
    if (s.open) {
      s.open = false;
      metrics.liveSockets.decrementAndGet();
    }
  }

  private void withConnection(String sttSession, java.util.function.Consumer<LiveConnection> action) {
    Socket s = sockets.get(sttSession);
    if (s != null && s.connection != null) {
      action.accept(s.connection);
    }
  }

  /** Socket events, from HTTP client threads, handed to the engine thread. */
  private final class Events implements LiveListener {
    private final Socket s;

    Events(Socket s) {
      this.s = s;
    }

    private void deliver(Input input) {
      inbox.post(() -> {
        if (!s.aborted) {
          sessions.accept(s.slot, input);
        }
      });
    }

    @Override
    public void onFinal(FinalResult result) {
      deliver(new Input.FinalReceived(s.sttSession, result));
    }

    @Override
    public void onMessage() {
      deliver(new Input.MessageReceived(s.sttSession));
    }

    @Override
    public void onClose(int code, String reason) {
      inbox.post(() -> closed(s));
      deliver(new Input.SocketClosed(s.sttSession, code, reason));
    }

    @Override
    public void onError(Throwable error) {
      deliver(new Input.SocketFailed(s.sttSession, error.toString()));
    }
  }
}
