package dev.rstt.gateway.audio;

import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.ByteByReference;
import com.sun.jna.ptr.NativeLongByReference;
import java.io.ByteArrayOutputStream;
import java.lang.ref.Cleaner;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code aac}: AAC in ADTS frames (what omi's receiver hands to FFmpeg), decoded by FAAD2 to mono PCM16 at the
 * declared rate. Frames may arrive one per message, several per message, or split over messages. A stereo stream
 * is mixed down to mono. A stream whose own rate differs from the declared {@code sample_rate} cannot be placed on
 * the session timeline without resampling: its frames are undecodable (omi resamples; this gateway does not).
 *
 * <p>Codec delay: an ADTS stream does not say how many priming samples its encoder put in front. FAAD2 outputs
 * nothing for the first frame, which removes the usual AAC-LC priming of one frame (1024 samples, as FFmpeg's
 * encoder writes): with such an encoder session times are the device's times (measured: within 0.1 ms). An
 * encoder that primes more (Apple's 2112 samples) leaves its words late by the difference (68 ms at 16 kHz for
 * Apple's); nothing in the stream tells, so nothing more is trimmed. See docs/omi-compatibility.md.
 */
final class AacFrameDecoder implements AudioDecoder {

  private static final Cleaner CLEANER = Cleaner.create();
  private static final Logger log = LoggerFactory.getLogger(AacFrameDecoder.class);

  private final Faad2Library faad;
  private final int sampleRate;
  private final Pointer handle;
  private final AdtsFramer framer = new AdtsFramer();
  private final Faad2Library.FrameInfo info = new Faad2Library.FrameInfo();
  private boolean initialised;
  private boolean mismatchLogged;

  AacFrameDecoder(Faad2Library faad, int sampleRate) {
    this.faad = faad;
    this.sampleRate = sampleRate;
    this.handle = faad.NeAACDecOpen();
    if (handle == null) {
      throw new IllegalStateException("FAAD2 could not open a decoder");
    }
    Pointer handle = this.handle;
    CLEANER.register(this, () -> faad.NeAACDecClose(handle));
    Faad2Library.Configuration config = new Faad2Library.Configuration(faad.NeAACDecGetCurrentConfiguration(handle));
    config.outputFormat = Faad2Library.FMT_16BIT;
    config.downMatrix = 1; // 5.1 to stereo; stereo is mixed to mono here
    config.dontUpSampleImplicitSBR = 1; // keep the ADTS header's rate
    config.defSampleRate = new NativeLong(sampleRate);
    config.write();
    faad.NeAACDecSetConfiguration(handle, config);
  }

  @Override
  public byte[] decode(byte[] message) throws UndecodableFrameException {
    long skippedBefore = framer.skipped();
    List<byte[]> frames = framer.add(message);
    if (frames.isEmpty()) {
      if (framer.skipped() > skippedBefore) {
        throw new UndecodableFrameException("aac message of " + message.length + " bytes holds no ADTS frame");
      }
      return new byte[0];
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(frames.size() * 2048);
    String failure = null;
    for (byte[] frame : frames) {
      try {
        decodeFrame(frame, out);
      } catch (UndecodableFrameException e) {
        failure = e.getMessage();
      }
    }
    if (out.size() == 0 && failure != null) {
      throw new UndecodableFrameException(failure);
    }
    return out.toByteArray();
  }

  private void decodeFrame(byte[] frame, ByteArrayOutputStream out) throws UndecodableFrameException {
    NativeLong size = new NativeLong(frame.length);
    if (!initialised) {
      NativeLongByReference rate = new NativeLongByReference();
      ByteByReference channels = new ByteByReference();
      if (faad.NeAACDecInit(handle, frame, size, rate, channels).longValue() < 0) {
        throw new UndecodableFrameException("FAAD2 cannot start on this ADTS header");
      }
      initialised = true;
    }
    Pointer samples = faad.NeAACDecDecode(handle, info, frame, size);
    if (info.error != 0) {
      throw new UndecodableFrameException("FAAD2: " + faad.NeAACDecGetErrorMessage(info.error));
    }
    int count = (int) info.samples.longValue();
    int channels = info.channels;
    if (samples == null || count == 0 || channels <= 0) {
      return; // FAAD2 holds the first frame back
    }
    long rate = info.samplerate.longValue();
    if (rate != sampleRate) {
      if (!mismatchLogged) {
        mismatchLogged = true; // once per session: every later frame is dropped for the same reason
        log.warn("AAC stream is {} Hz but the session declared sample_rate={}: its frames are dropped", rate,
            sampleRate);
      }
      throw new UndecodableFrameException("AAC stream is " + rate + " Hz but the session declared sample_rate="
          + sampleRate);
    }
    short[] pcm = samples.getShortArray(0, count);
    for (int i = 0; i + channels <= count; i += channels) {
      int sum = 0;
      for (int c = 0; c < channels; c++) {
        sum += pcm[i + c];
      }
      int s = sum / channels;
      out.write(s);
      out.write(s >> 8);
    }
  }

  @Override
  public boolean holdsBytes() {
    return framer.holding() > 0;
  }
}
