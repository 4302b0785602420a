// Streaming sample-rate conversion for the capture worklet: a windowed-sinc low-pass (when the rate goes down,
// so nothing above the new Nyquist folds back) followed by cubic (Catmull-Rom) interpolation at the output
// instants (flatter than linear interpolation: under 1 % down at 3 kHz from 22.05 kHz).
// Pure: no Web Audio, no DOM; tested with node's test runner.

/** Low-pass FIR taps (Blackman-windowed sinc), cutoff as a fraction of the input rate (0 < cutoff < 0.5). */
export function lowPass(cutoff, taps) {
  const h = new Float32Array(taps);
  const mid = (taps - 1) / 2;
  let sum = 0;
  for (let i = 0; i < taps; i++) {
    const x = i - mid;
    const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
    const w = 0.42 - 0.5 * Math.cos((2 * Math.PI * i) / (taps - 1)) + 0.08 * Math.cos((4 * Math.PI * i) / (taps - 1));
    h[i] = sinc * w;
    sum += h[i];
  }
  for (let i = 0; i < taps; i++) h[i] /= sum; // unity gain at DC
  return h;
}

export class Resampler {
  /**
   * @param {number} inRate input sample rate (the AudioContext's, e.g. 48000)
   * @param {number} outRate output sample rate (16000)
   * @param {number} taps FIR length when down-sampling (odd)
   */
  constructor(inRate, outRate, taps = 63) {
    if (!(inRate > 0 && outRate > 0)) throw new Error(`bad rates ${inRate} -> ${outRate}`);
    this.step = inRate / outRate;
    this.kernel = inRate > outRate ? lowPass((0.45 * outRate) / inRate, taps) : Float32Array.of(1);
    this.history = new Float32Array(this.kernel.length - 1); // the last inputs, for the filter's memory
    this.next = 0; // position of the next output sample, in input samples from the start of the current block
    this.tail = new Float32Array(3); // the previous blocks' last three filtered samples (positions -3..-1)
  }

  /** The output samples due for this block of input (any length). */
  process(input) {
    const k = this.kernel;
    const n = input.length;
    if (n === 0) return new Float32Array(0);
    const mem = this.history.length;
    // ys[j + 3] = filtered[j] = sum_i k[i] * x[j - i], over the history then the block; ys[0..2] = the tail
    const ys = new Float32Array(n + 3);
    ys.set(this.tail);
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let i = 0; i < k.length; i++) {
        const idx = j - i;
        acc += k[i] * (idx >= 0 ? input[idx] : this.history[mem + idx]);
      }
      ys[j + 3] = acc;
    }
    if (mem > 0) {
      if (n >= mem) {
        this.history.set(input.subarray(n - mem));
      } else {
        this.history.copyWithin(0, n);
        this.history.set(input, mem - n);
      }
    }
    const out = [];
    // Catmull-Rom through filtered[i-1..i+2] around t = i + frac; i + 2 must be in this block
    while (Math.floor(this.next) + 2 <= n - 1) {
      const i = Math.floor(this.next);
      const f = this.next - i;
      const p0 = ys[i + 2];
      const p1 = ys[i + 3];
      const p2 = ys[i + 4];
      const p3 = ys[i + 5];
      out.push(p1 + 0.5 * f * (p2 - p0 + f * (2 * p0 - 5 * p1 + 4 * p2 - p3 + f * (3 * (p1 - p2) + p3 - p0))));
      this.next += this.step;
    }
    this.next -= n;
    this.tail = ys.slice(n, n + 3);
    return Float32Array.from(out);
  }
}

/** Float samples (-1..1) to little-endian 16-bit PCM, clipped. */
export function toPcm16(samples) {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    out[i] = s < 0 ? Math.round(s * 32768) : Math.round(s * 32767);
  }
  return out;
}
