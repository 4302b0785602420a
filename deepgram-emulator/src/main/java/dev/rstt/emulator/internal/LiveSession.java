package dev.rstt.emulator.internal;

import dev.rstt.emulator.recognizer.RecognizedWord;
import dev.rstt.emulator.recognizer.ToneWordRecognizer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import reactor.netty.http.websocket.WebsocketOutbound;
import tools.jackson.databind.JsonNode;

/**
 * One live {@code /v1/listen} socket: the shell around {@link LiveTranscript}, which decides what to answer. Everything
 * here runs on the socket's event loop (inbound frames, timers, fault notifications are handed over with
 * {@code execute}), so there are no locks and messages keep their order. Memory per socket is bounded: the
 * recognizer holds one tone, and unfinalized words are capped.
 */
public final class LiveSession implements ToneWordRecognizer.Listener {

  private static final Logger log = LoggerFactory.getLogger(LiveSession.class);
  public static final String NET0001 =
      "Deepgram did not receive audio data or a text message within the timeout window. See https://dpgr.am/net0001";
  public static final String DATA0000 = "DATA-0000: The payload cannot be decoded as audio.";
  private static final int EP_MARK = 0;
  private static final int UE_MARK = 1;

  private final Channel channel;
  private final WebsocketOutbound out;
  private final ListenParams params;
  private final String requestId;
  private final EmulatorState state;
  private final Imperfections imperfections;
  private final Instant created = Instant.now();
  private final MessageDigest sha;

  private boolean formatKnown;
  private ToneWordRecognizer recognizer;
  private LiveTranscript transcript;
  private int rate;
  private int channels;
  private double bytesPerSecond;
  private long audioBytes;

  private long stallNoticedGeneration = -1;

  private long lastFrameNanos;
  private ScheduledFuture<?> idleTask;
  private ScheduledFuture<?> faultTask;
  private boolean closed;

  public LiveSession(Channel channel, WebsocketOutbound out, ListenParams params, String requestId,
      EmulatorState state) {
    this.channel = channel;
    this.out = out;
    this.params = params;
    this.requestId = requestId;
    this.state = state;
    this.imperfections = new Imperfections(state.realism(), Imperfections.Path.LIVE);
    try {
      this.sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    this.channels = params.channels();
    if (params.encoding() != null) {
      formatKnown = true;
      rate = params.sampleRate() == null ? 48000 : params.sampleRate();
      bytesPerSecond = switch (params.encoding()) {
        case "linear16" -> 2.0 * rate * channels;
        case "linear32" -> 4.0 * rate * channels;
        case "mulaw", "alaw" -> 1.0 * rate * channels;
        default -> 0; // compressed: duration unknown to the emulator
      };
      if (params.encoding().equals("linear16")) {
        recognizer = newRecognizer(rate);
      }
    }
  }

  public String requestId() {
    return requestId;
  }

  /** Called on the event loop right after the upgrade. */
  public void start() {
    state.register(this);
    channel.closeFuture().addListener(f -> channel.eventLoop().execute(this::disposed));
    lastFrameNanos = System.nanoTime();
    armIdle(state.settings().idleTimeout().toNanos());
    Faults f = faults();
    if (f.closesNewSockets()) {
      armFaultClose(f);
    }
    withMdc(() -> log.debug("Live socket open: model={} encoding={} sample_rate={}", params.model(),
        params.encoding(), params.sampleRate()));
  }

  private ToneWordRecognizer newRecognizer(int sampleRate) {
    long ep = params.endpointingMs() == ListenParams.DISABLED ? Long.MAX_VALUE
        : (long) sampleRate * params.endpointingMs() / 1000;
    long ue = params.utteranceEndMs() == ListenParams.DISABLED ? Long.MAX_VALUE
        : (long) sampleRate * params.utteranceEndMs() / 1000;
    transcript = new LiveTranscript(params, sampleRate, requestId, imperfections, state.stats());
    return new ToneWordRecognizer(sampleRate, this, imperfections.fragments(), ep, ue);
  }

  /** An inbound frame (on the event loop; the frame is released by the caller after this returns). */
  public void onFrame(WebSocketFrame frame) {
    if (closed) {
      return;
    }
    lastFrameNanos = System.nanoTime();
    noticeStall();
    if (frame instanceof BinaryWebSocketFrame) {
      ByteBuf content = frame.content();
      if (content.readableBytes() == 0) {
        closeStream(); // the legacy empty-frame CloseStream
        return;
      }
      byte[] bytes = new byte[content.readableBytes()];
      content.getBytes(content.readerIndex(), bytes);
      audio(bytes);
    } else if (frame instanceof TextWebSocketFrame text) {
      control(text.text());
    }
  }

  private void audio(byte[] bytes) {
    sha.update(bytes);
    audioBytes += bytes.length;
    int offset = 0;
    if (!formatKnown) {
      int dataAt = wavDataOffset(bytes);
      if (dataAt < 0) {
        withMdc(() -> log.info("Live socket closing 1008: audio without encoding is not a WAV container"));
        close(1008, DATA0000, true);
        return;
      }
      formatKnown = true;
      recognizer = newRecognizer(rate);
      bytesPerSecond = 2.0 * rate * channels;
      offset = dataAt;
    }
    if (bytesPerSecond > 0) {
      state.stats().audioSeconds.add((bytes.length - offset) / bytesPerSecond);
    }
    if (recognizer != null) {
      recognizer.feedPcm16(bytes, offset, bytes.length - offset, channels);
      if (!stalled()) {
        send(transcript.release(recognizer.position()));
      }
    }
  }

  private boolean stalled() {
    return faults().stalled();
  }

  /** Counts the stall fault once per socket and fault set, when a client frame meets it. */
  private void noticeStall() {
    Faults f = faults();
    if (f.stalled() && stallNoticedGeneration != f.generation()) {
      stallNoticedGeneration = f.generation();
      state.stats().faultApplied("live_stall");
    }
  }

  /** Reads rate and channels from a RIFF/WAVE header in the first frame; returns where the samples start. */
  private int wavDataOffset(byte[] b) {
    Wav wav = Wav.parse(b);
    if (wav == null) {
      return -1;
    }
    rate = wav.sampleRate();
    channels = wav.channels();
    return wav.dataOffset();
  }

  private void control(String text) {
    String type;
    try {
      JsonNode node = Json.MAPPER.readTree(text);
      JsonNode t = node.get("type");
      type = t == null || !t.isString() ? "" : t.stringValue();
    } catch (RuntimeException e) {
      type = "";
    }
    switch (type) {
      case "KeepAlive" -> { }
      case "Finalize" -> finalizeNow();
      case "CloseStream" -> closeStream();
      default -> withMdc(() -> log.debug("Ignoring text message of unknown type '{}'", text.length() > 40
          ? text.substring(0, 40) : text));
    }
  }

  private void finalizeNow() {
    if (recognizer == null || stalled()) {
      return;
    }
    long pos = recognizer.position();
    long inProgress = recognizer.inProgressStart();
    send(transcript.finalizeNow(inProgress >= 0 ? inProgress : pos, pos));
  }

  private void closeStream() {
    if (stalled()) {
      return; // a stalled server does not answer
    }
    if (recognizer != null) {
      recognizer.finish(); // may report a fragment of a word cut by the end
      send(transcript.closeStream(recognizer.position()));
    }
    withMdc(() -> log.debug("Live socket CloseStream: {} bytes of audio", audioBytes));
    close(1000, null, true);
  }

  // --- recognizer callbacks -------------------------------------------------------------------

  @Override
  public void onWord(RecognizedWord word, long positionSamples) {
    state.stats().wordsRecognized.incrementAndGet();
    send(transcript.word(word, positionSamples, !stalled()));
  }

  @Override
  public void onFragment(RecognizedWord fragment, long positionSamples) {
    send(transcript.word(fragment, positionSamples, !stalled()));
  }

  @Override
  public void onSoundStart(long startSample) {
    if (params.vadEvents() && !stalled()) {
      send(transcript.speechStarted(startSample));
    }
  }

  @Override
  public void onSilenceMark(int index, long positionSamples) {
    if (stalled()) {
      return;
    }
    if (index == EP_MARK) {
      long inProgress = recognizer.inProgressStart();
      send(transcript.endpoint(inProgress >= 0 ? inProgress : positionSamples, positionSamples));
    } else if (index == UE_MARK) {
      Map<String, Object> m = transcript.utteranceEnd();
      if (m != null) {
        send(m);
      }
    }
  }

  // --- messages ------------------------------------------------------------------------------

  private Map<String, Object> metadata() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "Metadata");
    m.put("transaction_key", "deprecated");
    m.put("request_id", requestId);
    m.put("sha256", HexFormat.of().formatHex(sha.digest()));
    m.put("created", Transcripts.created(created));
    m.put("duration", bytesPerSecond > 0 ? audioBytes / bytesPerSecond : 0.0);
    m.put("channels", channels);
    if (audioBytes > 0) {
      m.put("models", List.of(params.modelUuid()));
      m.put("model_info", Map.of(params.modelUuid(), Transcripts.modelInfo(params)));
    }
    return m;
  }

  private void send(List<Map<String, Object>> messages) {
    for (Map<String, Object> m : messages) {
      send(m);
    }
  }

  private void send(Map<String, Object> message) {
    if (!closed) {
      if ("Results".equals(message.get("type"))) {
        state.stats().resultsSent.incrementAndGet();
      }
      channel.writeAndFlush(new TextWebSocketFrame(Json.write(message)));
    }
  }

  // --- timers and closing --------------------------------------------------------------------

  private void armIdle(long delayNanos) {
    idleTask = channel.eventLoop().schedule(this::idleCheck, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void idleCheck() {
    if (closed) {
      return;
    }
    long idle = state.settings().idleTimeout().toNanos();
    long since = System.nanoTime() - lastFrameNanos;
    if (since >= idle) {
      state.stats().liveIdleClosed.incrementAndGet();
      withMdc(() -> log.info("Live socket idle for {} ms: NET-0001, closing 1011", since / 1_000_000));
      close(1011, NET0001, true);
    } else {
      armIdle(idle - since);
    }
  }

  /** The injected faults this socket meets (none when their match excludes its query). */
  private Faults faults() {
    return state.faults().forQuery(params.query());
  }

  /** A PUT or DELETE of the faults (any thread). */
  void faultsChanged(Faults all) {
    Faults f = all.forQuery(params.query());
    channel.eventLoop().execute(() -> {
      if (faultTask != null) {
        faultTask.cancel(false);
        faultTask = null;
      }
      if (f.closeAfterMs() != null) {
        armFaultClose(f); // every open socket, whatever the scope
      }
    });
  }

  private void armFaultClose(Faults f) {
    long generation = f.generation();
    int code = f.live().closeCodeOrDefault();
    faultTask = channel.eventLoop().schedule(() -> {
      if (!closed && faults().generation() == generation) {
        state.stats().liveFaultClosed.incrementAndGet();
        state.stats().faultApplied("live_close_" + code);
        withMdc(() -> log.info("Live socket closed by injected fault with code {}", code));
        close(code, "Emulated fault: close_after_ms=" + f.closeAfterMs(), false);
      }
    }, f.closeAfterMs(), TimeUnit.MILLISECONDS);
  }

  private void close(int code, String reason, boolean metadataFirst) {
    if (closed) {
      return;
    }
    if (metadataFirst && !stalled()) {
      send(metadata());
    }
    closed = true;
    cancelTimers();
    if (code == 1006) {
      channel.close(); // abnormal closure: no close frame at all
    } else {
      out.sendClose(code, reason).subscribe(null, e -> channel.close());
    }
  }

  private void cancelTimers() {
    if (idleTask != null) {
      idleTask.cancel(false);
    }
    if (faultTask != null) {
      faultTask.cancel(false);
    }
  }

  private void disposed() {
    closed = true;
    cancelTimers();
    state.unregister(this);
    withMdc(() -> log.debug("Live socket closed after {} bytes of audio", audioBytes));
  }

  private void withMdc(Runnable r) {
    String prev = MDC.get("session_id");
    MDC.put("session_id", requestId);
    try {
      r.run();
    } finally {
      if (prev == null) {
        MDC.remove("session_id");
      } else {
        MDC.put("session_id", prev);
      }
    }
  }
}
