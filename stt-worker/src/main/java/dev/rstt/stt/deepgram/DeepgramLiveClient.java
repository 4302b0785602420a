package dev.rstt.stt.deepgram;

import dev.rstt.common.deepgram.DeepgramException;
import dev.rstt.common.deepgram.DeepgramVocabulary;
import dev.rstt.schemas.Channels;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A non-blocking client for Deepgram's live {@code /v1/listen} over the JDK WebSocket: one shared
 * {@link HttpClient}, no thread per socket. Handshake refusals become {@link DeepgramException}s carrying the
 * HTTP status, so {@code DeepgramFailure} classifies them.
 */
public final class DeepgramLiveClient {

  private static final Logger log = LoggerFactory.getLogger(DeepgramLiveClient.class);

  private final HttpClient http;
  private final URI listenBase;
  private final String authorization;
  private final String model;
  private final long endpointingMs;
  private final Duration connectTimeout;

  public DeepgramLiveClient(HttpClient http, String baseUrl, String apiKey, String model, Duration endpointing,
      Duration connectTimeout) {
    this.http = http;
    String base = baseUrl.strip();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    if (base.startsWith("https://")) {
      base = "wss://" + base.substring("https://".length());
    } else if (base.startsWith("http://")) {
      base = "ws://" + base.substring("http://".length());
    }
    this.listenBase = URI.create(base + "/v1/listen");
    this.authorization = "Token " + apiKey;
    this.model = model;
    this.endpointingMs = endpointing.toMillis();
    this.connectTimeout = connectTimeout;
  }

  /** The URI a connection with these parameters opens. */
  public URI uri(LiveParams params) {
    String query = "model=" + enc(model) + "&language=" + enc(params.language()) + "&encoding=linear16"
        + "&sample_rate=" + params.sampleRate() + "&channels=" + params.channels()
        + "&interim_results=false&punctuate=true&diarize=true&endpointing=" + endpointingMs
        + DeepgramVocabulary.query(model, params.keyterms())
        + (Channels.multi(params.channel()) ? "&extra=" + enc(Channels.deepgramExtra(params.channel())) : "");
    return URI.create(listenBase + "?" + query);
  }

  /**
   * Opens a connection; completes with it once the handshake succeeded, or exceptionally with a
   * {@link DeepgramException} (refused handshake), an IO error or a timeout.
   */
  public CompletableFuture<LiveConnection> connect(LiveParams params, LiveListener listener) {
    SocketListener socketListener = new SocketListener(listener);
    return http.newWebSocketBuilder()
        .header("Authorization", authorization)
        .connectTimeout(connectTimeout)
        .buildAsync(uri(params), socketListener)
        .handle((ws, error) -> {
          if (error != null) {
            throw new CompletionException(translate(error));
          }
          return new LiveConnection(ws, listener);
        });
  }

  static Throwable translate(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof WebSocketHandshakeException handshake) {
      HttpResponse<?> response = handshake.getResponse();
      int status = response.statusCode();
      String dgError = response.headers().firstValue("dg-error").orElse(null);
      String requestId = response.headers().firstValue("dg-request-id").orElse(null);
      Duration retryAfter = response.headers().firstValue("retry-after").flatMap(v -> {
        try {
          return java.util.Optional.of(Duration.ofSeconds(Long.parseLong(v.strip())));
        } catch (NumberFormatException e) {
          return java.util.Optional.empty();
        }
      }).orElse(null);
      String message = dgError;
      Object body = response.body();
      if (message == null && body != null) {
        message = body instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : body.toString();
      }
      if (status < 400) {
        return new DeepgramException(502, null, "unexpected handshake status " + status, requestId, retryAfter);
      }
      return new DeepgramException(status, null, message, requestId, retryAfter);
    }
    return t;
  }

  private static String enc(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8);
  }

  /** Assembles text frames and hands finals and closes to the listener. */
  private static final class SocketListener implements WebSocket.Listener {
    private final LiveListener listener;
    private final StringBuilder text = new StringBuilder();

    SocketListener(LiveListener listener) {
      this.listener = listener;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        long receivedAt = System.nanoTime();
        String message = text.toString();
        text.setLength(0);
        listener.onMessage();
        try {
          ResultsParser.parseFinal(message).map(r -> r.receivedAt(receivedAt)).ifPresent(listener::onFinal);
        } catch (RuntimeException e) {
          log.warn("Ignoring an unparseable live message ({} chars): {}", message.length(), e.toString());
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      listener.onClose(statusCode, reason);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      listener.onError(error);
    }
  }
}
