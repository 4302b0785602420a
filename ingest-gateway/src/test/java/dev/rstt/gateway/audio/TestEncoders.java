package dev.rstt.gateway.audio;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Real encoders for the codec tests, in test scope: liblc3's encoder (JNA), FFmpeg's AAC encoder (the ffmpeg
 * command, ADTS output), Concentus for Opus, and the 8-bit conversion omi's devices do. Each returns the binary
 * frames an app would send, one codec frame per message as omi's app sends them.
 */
public final class TestEncoders {

  private TestEncoders() {
  }

  /** The encoder half of liblc3. */
  interface Lc3Encoder extends Library {
    int lc3_encoder_size(int dtUs, int srHz);

    Pointer lc3_setup_encoder(int dtUs, int srHz, int srPcmHz, Pointer mem);

    int lc3_encode(Pointer encoder, int fmt, short[] pcm, int stride, int nbytes, byte[] out);

    int lc3_frame_samples(int dtUs, int srHz);
  }

  /** {@code lc3_fs1030}: 10 ms frames of 30 bytes; the last frame is padded with silence. */
  public static List<byte[]> lc3(short[] samples, int rate) {
    Lc3Encoder lc3 = Native.load("lc3", Lc3Encoder.class);
    int frameSamples = lc3.lc3_frame_samples(10_000, rate);
    Memory memory = new Memory(lc3.lc3_encoder_size(10_000, rate));
    Pointer encoder = lc3.lc3_setup_encoder(10_000, rate, rate, memory);
    List<byte[]> frames = new ArrayList<>();
    for (int at = 0; at < samples.length; at += frameSamples) {
      short[] pcm = Arrays.copyOf(Arrays.copyOfRange(samples, at, Math.min(samples.length, at + frameSamples)),
          frameSamples);
      byte[] out = new byte[30];
      if (lc3.lc3_encode(encoder, 0, pcm, 1, 30, out) != 0) {
        throw new IllegalStateException("lc3_encode failed");
      }
      frames.add(out);
    }
    return frames;
  }

  /** AAC-LC in ADTS frames, encoded by the ffmpeg command (Debian's ffmpeg; {@code .ci/run} installs it). */
  public static List<byte[]> aac(byte[] pcm16, int rate) {
    return aacChannels(pcm16, rate, 1);
  }

  /**
   * AAC-LC of interleaved PCM16 with {@code channels} channels, in ADTS frames; 48 kbit/s up to 24 kHz, 96 above
   * (at 48 kbit/s and 48 kHz the encoder blurs an occasional tone past what a recognizer must accept).
   */
  public static List<byte[]> aacChannels(byte[] pcm16, int rate, int channels) {
    byte[] adts = ffmpeg(pcm16, "-f", "s16le", "-ar", String.valueOf(rate), "-ac", String.valueOf(channels),
        "-i", "pipe:0",
        "-c:a", "aac", "-b:a", rate > 24000 ? "96k" : "48k", "-f", "adts", "pipe:1");
    List<byte[]> frames = new ArrayList<>();
    int at = 0;
    while (at < adts.length) {
      int length = AdtsFramer.frameLength(adts, at);
      if (length < 0) {
        throw new IllegalStateException("ffmpeg wrote something that is not ADTS at byte " + at);
      }
      frames.add(Arrays.copyOfRange(adts, at, at + length));
      at += length;
    }
    return frames;
  }

  /** Opus packets of {@code frameSamples} ({@code opus_fs320}: 320 at 16 kHz). */
  public static List<byte[]> opus(short[] samples, int rate, int frameSamples) throws Exception {
    OpusEncoder encoder = new OpusEncoder(rate, 1, OpusApplication.OPUS_APPLICATION_RESTRICTED_LOWDELAY);
    encoder.setBitrate(32000);
    List<byte[]> frames = new ArrayList<>();
    for (int at = 0; at < samples.length; at += frameSamples) {
      short[] pcm = Arrays.copyOf(Arrays.copyOfRange(samples, at, Math.min(samples.length, at + frameSamples)),
          frameSamples);
      byte[] out = new byte[1500];
      int n = encoder.encode(pcm, 0, frameSamples, out, 0, out.length);
      frames.add(Arrays.copyOf(out, n));
    }
    return frames;
  }

  /** Unsigned 8-bit PCM, the top byte of each sample (what an 8-bit device sends), in 10 ms messages. */
  public static List<byte[]> pcm8(short[] samples, int rate) {
    byte[] u8 = new byte[samples.length];
    for (int i = 0; i < samples.length; i++) {
      u8[i] = (byte) ((samples[i] >> 8) + 128);
    }
    List<byte[]> frames = new ArrayList<>();
    int step = rate / 100;
    for (int at = 0; at < u8.length; at += step) {
      frames.add(Arrays.copyOfRange(u8, at, Math.min(u8.length, at + step)));
    }
    return frames;
  }

  private static byte[] ffmpeg(byte[] input, String... args) {
    List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin"));
    command.addAll(List.of(args));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    } catch (IOException e) {
      throw new IllegalStateException("the AAC tests need the ffmpeg command (apt-get install ffmpeg)", e);
    }
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      try (OutputStream in = process.getOutputStream()) {
        in.write(input);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    try (InputStream out = process.getInputStream()) {
      ByteArrayOutputStream result = new ByteArrayOutputStream();
      out.transferTo(result);
      writer.get(60, TimeUnit.SECONDS);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("ffmpeg failed: " + command);
      }
      return result.toByteArray();
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("ffmpeg failed: " + command, e);
    }
  }
}
