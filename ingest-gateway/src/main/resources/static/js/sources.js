// Where the audio comes from: the microphone through the capture worklet, or the bundled tone-word sample.
// Both deliver 16-bit PCM mono frames to onFrame(ArrayBuffer) at real-time pace, then call onEnd().

export const TARGET_RATE = 16000;

export class MicSource {
  constructor(onFrame, onEnd) {
    this.onFrame = onFrame;
    this.onEnd = onEnd;
    this.context = null;
    this.stream = null;
    this.node = null;
  }

  get rate() {
    return TARGET_RATE;
  }

  async start() {
    // raw audio: echo cancellation, noise suppression and gain control reshape speech and erase tones
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
    // latency does not matter here (audio is streamed, not played): larger render buffers ride out a busy
    // machine without the glitches (dropped or repeated audio) that starve a low-latency audio thread
    this.context = new AudioContext({ latencyHint: 'playback' });
    await this.context.audioWorklet.addModule(new URL('./capture-worklet.js', import.meta.url));
    const input = this.context.createMediaStreamSource(this.stream);
    this.node = new AudioWorkletNode(this.context, 'pcm16-capture', {
      numberOfInputs: 1, numberOfOutputs: 0, channelCountMode: 'explicit', channelCount: 1,
      processorOptions: { targetRate: TARGET_RATE, frameMs: 20 },
    });
    this.node.port.onmessage = (event) => {
      if (event.data.type === 'audio') this.onFrame(event.data.pcm);
      if (event.data.type === 'stopped') this.finish();
    };
    input.connect(this.node);
    if (this.context.state === 'suspended') await this.context.resume();
  }

  /** Stops capture; the worklet sends what it holds, then onEnd. */
  stop() {
    if (this.node) this.node.port.postMessage('stop');
    else this.finish();
  }

  finish() {
    if (this.stream) this.stream.getTracks().forEach((t) => t.stop());
    if (this.context) this.context.close();
    this.stream = null;
    this.context = null;
    this.node = null;
    const end = this.onEnd;
    this.onEnd = () => {};
    end();
  }
}

/** The data chunk of a PCM16 WAV file, with its format. */
export function parseWav(buffer) {
  const view = new DataView(buffer);
  const tag = (at) => String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
  if (buffer.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a WAV file');
  let format = null;
  for (let at = 12; at + 8 <= buffer.byteLength;) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    if (id === 'fmt ') {
      format = { audioFormat: view.getUint16(at + 8, true), channels: view.getUint16(at + 10, true),
        rate: view.getUint32(at + 12, true), bits: view.getUint16(at + 22, true) };
    } else if (id === 'data') {
      if (!format || format.audioFormat !== 1 || format.bits !== 16) throw new Error('not 16-bit PCM');
      const end = Math.min(buffer.byteLength, at + 8 + size);
      return { ...format, pcm: buffer.slice(at + 8, end) };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('no data chunk');
}

export class SampleSource {
  constructor(url, onFrame, onEnd) {
    this.url = url;
    this.onFrame = onFrame;
    this.onEnd = onEnd;
    this.timer = null;
    this.context = null;
    this.wav = null;
  }

  get rate() {
    return this.wav ? this.wav.rate : TARGET_RATE;
  }

  /** Fetches and checks the file (before the socket opens, so its rate is known). */
  async load() {
    const response = await fetch(this.url);
    if (!response.ok) throw new Error(`${this.url}: HTTP ${response.status}`);
    const bytes = await response.arrayBuffer();
    this.wav = parseWav(bytes);
    if (this.wav.channels !== 1) throw new Error('the sample must be mono');
    this.bytes = bytes;
  }

  /** Streams the file at real-time pace in 20 ms frames, and plays it quietly so it can be heard. */
  async start() {
    const frameBytes = Math.round(this.wav.rate * 0.02) * 2;
    const pcm = this.wav.pcm;
    const total = pcm.byteLength;
    let sent = 0;
    try {
      this.context = new AudioContext();
      const audio = await this.context.decodeAudioData(this.bytes.slice(0));
      const source = this.context.createBufferSource();
      const gain = this.context.createGain();
      gain.gain.value = 0.2;
      source.buffer = audio;
      source.connect(gain).connect(this.context.destination);
      source.start();
    } catch (e) {
      console.warn('sample playback unavailable:', e); // streaming goes on without sound
    }
    const started = performance.now();
    const pump = () => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * this.wav.rate) * 2);
      while (sent < due) {
        const end = Math.min(due, sent + frameBytes);
        this.onFrame(pcm.slice(sent, end));
        sent = end;
      }
      if (sent >= total) this.finish();
    };
    this.timer = setInterval(pump, 20);
  }

  stop() {
    this.finish();
  }

  finish() {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.context) this.context.close();
    this.context = null;
    const end = this.onEnd;
    this.onEnd = () => {};
    end();
  }
}
