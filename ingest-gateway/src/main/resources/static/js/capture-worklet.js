// AudioWorklet: the microphone (any context rate, any channel count) as 16-bit PCM mono at the target rate,
// posted to the page in frames of `frameMs` (transferred, not copied). Runs on the audio rendering thread.
import { Resampler, toPcm16 } from './resampler.js';

class Pcm16Capture extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const { targetRate = 16000, frameMs = 20 } = options.processorOptions || {};
    this.resampler = new Resampler(sampleRate, targetRate);
    this.frameLength = Math.round((targetRate * frameMs) / 1000);
    this.frame = new Int16Array(this.frameLength);
    this.filled = 0;
    this.running = true;
    this.port.onmessage = (event) => {
      if (event.data === 'stop') {
        this.flush();
        this.running = false;
        this.port.postMessage({ type: 'stopped' });
      }
    };
  }

  flush() {
    if (this.filled > 0) {
      const last = this.frame.slice(0, this.filled);
      this.port.postMessage({ type: 'audio', pcm: last.buffer }, [last.buffer]);
      this.filled = 0;
    }
  }

  process(inputs) {
    if (!this.running) return false;
    const channels = inputs[0];
    if (channels && channels.length > 0) {
      let mono = channels[0];
      if (channels.length > 1) {
        mono = new Float32Array(channels[0].length);
        for (const ch of channels) for (let i = 0; i < ch.length; i++) mono[i] += ch[i] / channels.length;
      }
      const pcm = toPcm16(this.resampler.process(mono));
      for (let i = 0; i < pcm.length; i++) {
        this.frame[this.filled++] = pcm[i];
        if (this.filled === this.frameLength) {
          const full = this.frame.buffer;
          this.port.postMessage({ type: 'audio', pcm: full }, [full]); // transferred: the array is now empty
          this.frame = new Int16Array(this.frameLength);
          this.filled = 0;
        }
      }
    }
    return true;
  }
}

registerProcessor('pcm16-capture', Pcm16Capture);
