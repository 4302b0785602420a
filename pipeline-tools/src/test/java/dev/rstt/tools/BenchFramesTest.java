package dev.rstt.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.testsupport.ToneScript;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import org.junit.jupiter.api.Test;

/** The bench's pre-encoded frames read back by Netty's server-side decoder, which requires masked client frames. */
class BenchFramesTest {

  @Test
  void shouldEncodeEveryFrameAsAMaskedBinaryFrameAServerDecodesToThePcm() {
    BenchFrames frames = new BenchFrames(ToneScript.numbered(16000, 7, 3, 1, 400), 100, 5);
    assertThat(frames.size()).isGreaterThan(3);
    EmbeddedChannel server = new EmbeddedChannel(new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
        .expectMaskedFrames(true).allowMaskMismatch(false).maxFramePayloadLength(1 << 16).build()));
    for (int round = 0; round < 2; round++) { // a frame is sent again and again, by every client of its script
      for (int i = 0; i < frames.size(); i++) {
        server.writeInbound(frames.frame(i));
        BinaryWebSocketFrame got = server.readInbound();
        byte[] pcm = new byte[got.content().readableBytes()];
        got.content().readBytes(pcm);
        got.release();
        assertThat(pcm).as("frame %d", i).isEqualTo(frames.pcm.get(i));
      }
    }
  }

  @Test
  void shouldUseTheShortLengthFormBelow126Bytes() {
    byte[] payload = {1, 2, 3};
    byte[] encoded = BenchFrames.encode(payload, new byte[] {9, 9, 9, 9});
    assertThat(encoded).hasSize(2 + 4 + 3);
    assertThat(encoded[1] & 0xFF).isEqualTo(0x80 | 3);
    EmbeddedChannel server = new EmbeddedChannel(new WebSocket13FrameDecoder(true, false, 1 << 16));
    ByteBuf in = Unpooled.wrappedBuffer(encoded);
    server.writeInbound(in);
    BinaryWebSocketFrame got = server.readInbound();
    assertThat(got.content().readableBytes()).isEqualTo(3);
    got.release();
  }
}
