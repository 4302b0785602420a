package dev.rstt.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rstt.testsupport.ToneScript;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A thousand live sockets at once: all open, all transcribe, and the server does not grow a thread per socket. */
class ConcurrencyIT {

  static final int SOCKETS = Integer.getInteger("sockets", 1000);

  @Test
  void shouldHoldAThousandConcurrentLiveSocketsWithoutAThreadPerSocket() {
    ToneScript script = ToneScript.builder(16000).silence(100).word(1, "100").silence(200).build();
    byte[] pcm = script.pcm();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (DeepgramEmulator emulator = DeepgramEmulator.start(EmulatorSettings.defaults().withPort(0)
        .withIdleTimeout(Duration.ofMinutes(2)))) {
      int threadsBefore = threads.getThreadCount();
      java.util.concurrent.ExecutorService clientPool = java.util.concurrent.Executors.newFixedThreadPool(4);
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientPool).build();
      AtomicInteger wordsHeard = new AtomicInteger();
      AtomicInteger closed1000 = new AtomicInteger();
      List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
      for (int i = 0; i < SOCKETS; i++) {
        opening.add(http.newWebSocketBuilder().header("Authorization", "Token load")
            .buildAsync(URI.create(emulator.wsUrl() + "/v1/listen?model=nova-3&encoding=linear16&sample_rate=16000"
                + "&endpointing=100"), new WebSocket.Listener() {
                  @Override
                  public java.util.concurrent.CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    if (data.toString().contains("\"w100\"")) {
                      wordsHeard.incrementAndGet();
                    }
                    ws.request(1);
                    return null;
                  }

                  @Override
                  public java.util.concurrent.CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                    if (code == 1000) {
                      closed1000.incrementAndGet();
                    }
                    return null;
                  }
                }));
      }
      List<WebSocket> sockets = opening.stream().map(CompletableFuture::join).toList();
      await().atMost(Duration.ofSeconds(90))
          .until(() -> ((Number) emulator.stats().get("live_open")).intValue() == SOCKETS);
      int threadsWhileOpen = threads.getThreadCount();
      // the server's event loops are a fixed handful; the JVM (client included) grows nowhere near a thread per socket
      long serverThreads = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().startsWith("deepgram-emulator")).count();
      assertThat(serverThreads).isLessThanOrEqualTo(Math.max(4, Runtime.getRuntime().availableProcessors()) + 1);
      assertThat(threadsWhileOpen - threadsBefore).isLessThan(30);

      List<CompletableFuture<?>> sends = new ArrayList<>();
      for (WebSocket ws : sockets) {
        sends.add(ws.sendBinary(ByteBuffer.wrap(pcm), true)
            .thenCompose(w -> w.sendText("{\"type\":\"CloseStream\"}", true)));
      }
      CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
      await().atMost(Duration.ofSeconds(120))
          .alias("closed " + closed1000 + " words " + wordsHeard + " stats " + emulator.stats())
          .until(() -> closed1000.get() == SOCKETS);
      assertThat(wordsHeard.get()).isEqualTo(SOCKETS);
      await().atMost(Duration.ofSeconds(10))
          .until(() -> ((Number) emulator.stats().get("live_open")).intValue() == 0);
      assertThat(((Number) emulator.stats().get("live_total")).longValue()).isEqualTo(SOCKETS);
      clientPool.shutdownNow();
    }
  }
}
