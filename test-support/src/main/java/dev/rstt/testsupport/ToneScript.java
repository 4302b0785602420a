package dev.rstt.testsupport;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A tone-word recording: PCM16LE mono at one rate, and the words it contains with their exact times.
 * Build one with {@link #builder(int)}: {@code silence(ms)}, {@code word(speaker, "042")}, ... .
 */
public final class ToneScript {

  /** A word as a recognizer must report it: text {@code w042}, speaker, first/last sample of its tones. */
  public record ExpectedWord(String text, int speaker, long startSample, long endSample, int sampleRate) {
    public double start() {
      return (double) startSample / sampleRate;
    }

    /** End of the fourth tone: start + 260 ms. */
    public double end() {
      return (double) endSample / sampleRate;
    }

    /** The same word on a timeline shifted by {@code offsetSamples}. */
    public ExpectedWord shifted(long offsetSamples) {
      return new ExpectedWord(text, speaker, startSample + offsetSamples, endSample + offsetSamples, sampleRate);
    }
  }

  private final int sampleRate;
  private final short[] samples;
  private final List<ExpectedWord> words;

  private ToneScript(int sampleRate, short[] samples, List<ExpectedWord> words) {
    this.sampleRate = sampleRate;
    this.samples = samples;
    this.words = List.copyOf(words);
  }

  public static Builder builder(int sampleRate) {
    return new Builder(sampleRate);
  }

  /**
   * A random script: {@code wordCount} words of random speakers and digits, separated by random pauses of
   * {@code MIN_PAUSE_MS} to {@code maxPauseMs}, with leading and trailing silence.
   */
  public static ToneScript random(Random random, int sampleRate, int wordCount, int maxPauseMs) {
    Builder b = builder(sampleRate).silence(100 + random.nextInt(400));
    for (int i = 0; i < wordCount; i++) {
      if (i > 0) {
        b.silence(ToneWords.MIN_PAUSE_MS + random.nextInt(Math.max(1, maxPauseMs - ToneWords.MIN_PAUSE_MS + 1)));
      }
      b.word(random.nextInt(4), String.format("%03d", random.nextInt(1000)));
    }
    return b.silence(300 + random.nextInt(300)).build();
  }

  /** A script where every word is distinct ({@code w000}, {@code w001}, ...), so a test can tell each word apart. */
  public static ToneScript numbered(int sampleRate, int firstNumber, int wordCount, int speaker, int pauseMs) {
    Builder b = builder(sampleRate).silence(200);
    for (int i = 0; i < wordCount; i++) {
      if (i > 0) {
        b.silence(pauseMs);
      }
      b.word(speaker, String.format("%03d", (firstNumber + i) % 1000));
    }
    return b.silence(400).build();
  }

  public int sampleRate() {
    return sampleRate;
  }

  public List<ExpectedWord> words() {
    return words;
  }

  public int sampleCount() {
    return samples.length;
  }

  public double durationSeconds() {
    return (double) samples.length / sampleRate;
  }

  /** The whole recording as PCM16LE bytes. */
  public byte[] pcm() {
    ByteBuffer buffer = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (short s : samples) {
      buffer.putShort(s);
    }
    return buffer.array();
  }

  /** The samples themselves (a copy). */
  public short[] samples() {
    return samples.clone();
  }

  /** Splits the PCM into frames of {@code frameMs} milliseconds (the last one may be shorter). */
  public List<byte[]> frames(int frameMs) {
    int frameBytes = ToneWords.samples(sampleRate, frameMs) * 2;
    byte[] pcm = pcm();
    List<byte[]> frames = new ArrayList<>();
    for (int i = 0; i < pcm.length; i += frameBytes) {
      byte[] frame = new byte[Math.min(frameBytes, pcm.length - i)];
      System.arraycopy(pcm, i, frame, 0, frame.length);
      frames.add(frame);
    }
    return frames;
  }

  /** A 44-byte-header RIFF/WAVE file of the recording. */
  public byte[] wav() {
    byte[] pcm = pcm();
    ByteBuffer b = ByteBuffer.allocate(44 + pcm.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes()).putInt(36 + pcm.length).put("WAVE".getBytes());
    b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(sampleRate)
        .putInt(sampleRate * 2).putShort((short) 2).putShort((short) 16);
    b.put("data".getBytes()).putInt(pcm.length).put(pcm);
    return b.array();
  }

  public static final class Builder {
    private final int sampleRate;
    private final List<short[]> parts = new ArrayList<>();
    private final List<ExpectedWord> words = new ArrayList<>();
    private long position;

    private Builder(int sampleRate) {
      if (sampleRate != 8000 && sampleRate != 16000 && sampleRate != 24000 && sampleRate != 48000) {
        throw new IllegalArgumentException("Tone words are defined at 8000, 16000, 24000 or 48000 Hz, not " + sampleRate);
      }
      this.sampleRate = sampleRate;
    }

    public Builder silence(int ms) {
      return silenceSamples(ToneWords.samples(sampleRate, ms));
    }

    public Builder silenceSamples(int count) {
      parts.add(new short[count]);
      position += count;
      return this;
    }

    /** Appends noise-free non-speech: a single 400 Hz tone that a recognizer must ignore. */
    public Builder hum(int ms) {
      short[] hum = new short[ToneWords.samples(sampleRate, ms)];
      for (int n = 0; n < hum.length; n++) {
        hum[n] = (short) Math.round(ToneWords.AMPLITUDE * Math.sin(2 * Math.PI * 400 * n / sampleRate));
      }
      parts.add(hum);
      position += hum.length;
      return this;
    }

    /** Appends a word: the speaker symbol then the three digits, each a 50 ms tone followed by 20 ms of zeros. */
    public Builder word(int speaker, String digits) {
      if (digits.length() != 3 || !digits.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("A word is three digits, not '" + digits + "'");
      }
      String symbols = ToneWords.speakerSymbol(speaker) + digits;
      int tone = ToneWords.samples(sampleRate, ToneWords.TONE_MS);
      int gap = ToneWords.samples(sampleRate, ToneWords.GAP_MS);
      long start = position;
      long lastToneEnd = start;
      for (int i = 0; i < 4; i++) {
        short[] t = new short[tone];
        for (int n = 0; n < tone; n++) {
          t[n] = ToneWords.toneSample(symbols.charAt(i), n, sampleRate);
        }
        parts.add(t);
        position += tone;
        lastToneEnd = position;
        if (i < 3) {
          parts.add(new short[gap]);
          position += gap;
        }
      }
      words.add(new ExpectedWord("w" + digits, speaker, start, lastToneEnd, sampleRate));
      // The trailing 20 ms of zeros that follows every symbol, the fourth included.
      parts.add(new short[gap]);
      position += gap;
      return this;
    }

    public ToneScript build() {
      short[] all = new short[Math.toIntExact(position)];
      int i = 0;
      for (short[] part : parts) {
        System.arraycopy(part, 0, all, i, part.length);
        i += part.length;
      }
      return new ToneScript(sampleRate, all, words);
    }
  }
}
