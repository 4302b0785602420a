// The capture worklet's resampler: rate, frequency and level kept, nothing above the new Nyquist folds back,
// the same output whatever the block sizes. Run by Maven (node --test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Resampler, lowPass, toPcm16 } from '../../main/resources/static/js/resampler.js';

function sine(freq, rate, seconds, amplitude = 0.5) {
  const n = Math.round(rate * seconds);
  return Float32Array.from({ length: n }, (_, i) => amplitude * Math.sin((2 * Math.PI * freq * i) / rate));
}

/** Resamples in blocks of the given sizes (cycled), as the audio thread delivers them. */
function resample(input, inRate, outRate, blocks) {
  const r = new Resampler(inRate, outRate);
  const out = [];
  for (let at = 0, b = 0; at < input.length; b++) {
    const size = blocks[b % blocks.length];
    out.push(...r.process(input.subarray(at, Math.min(input.length, at + size))));
    at += size;
  }
  return Float32Array.from(out);
}

/** Amplitude of `freq` in `x` (Goertzel), over the middle of the signal (no edges). */
function level(x, freq, rate) {
  const from = Math.floor(x.length / 4);
  const to = Math.floor((3 * x.length) / 4);
  const w = (2 * Math.PI * freq) / rate;
  let s1 = 0;
  let s2 = 0;
  for (let i = from; i < to; i++) {
    const s = x[i] + 2 * Math.cos(w) * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  const power = s1 * s1 + s2 * s2 - 2 * Math.cos(w) * s1 * s2;
  return (2 * Math.sqrt(power)) / (to - from);
}

for (const inRate of [48000, 44100, 96000, 22050, 16000]) {
  test(`${inRate} Hz to 16 kHz keeps length, tone frequencies (DTMF) and level`, () => {
    for (const freq of [697, 1209, 1633, 3000]) {
      if (freq >= inRate / 2) continue;
      const out = resample(sine(freq, inRate, 1), inRate, 16000, [128]);
      // the last two input samples wait for the next block (cubic interpolation looks two ahead)
      assert.ok(out.length <= 16000 && out.length >= 16000 - 2 * Math.ceil(16000 / inRate), `length ${out.length}`);
      const kept = level(out, freq, 16000);
      assert.ok(Math.abs(kept - 0.5) < 0.02, `${freq} Hz level ${kept}`);
      assert.ok(level(out, freq * 1.5, 16000) < 0.01, `${freq} Hz leaks into other frequencies`);
    }
  });
}

test('up-sampling (a context below 16 kHz, which browsers do not use) interpolates', () => {
  // no filter when up-sampling: the interpolation alone, close to flat at the top DTMF column
  const out = resample(sine(1633, 8000, 1), 8000, 16000, [128]);
  assert.ok(out.length >= 15996 && out.length <= 16000, `length ${out.length}`);
  const kept = level(out, 1633, 16000);
  assert.ok(Math.abs(kept - 0.5) < 0.03, `level ${kept}`);
});

test('what lies above the new Nyquist frequency is filtered out, not folded back', () => {
  // 13 kHz at 48 kHz would alias to 3 kHz at 16 kHz without the low-pass
  const out = resample(sine(13000, 48000, 1), 48000, 16000, [128]);
  assert.ok(level(out, 3000, 16000) < 0.005, `aliased level ${level(out, 3000, 16000)}`);
});

test('the output does not depend on how the input is split into blocks', () => {
  const input = sine(1000, 44100, 0.5);
  const a = resample(input, 44100, 16000, [128]);
  const b = resample(input, 44100, 16000, [1, 7, 333, 2, 128, 4096]);
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-5, `sample ${i}: ${a[i]} vs ${b[i]}`);
});

test('the low-pass has unity gain at DC', () => {
  const h = lowPass(0.15, 63);
  assert.ok(Math.abs(h.reduce((s, v) => s + v, 0) - 1) < 1e-6);
});

test('float to 16-bit PCM clips and rounds', () => {
  assert.deepEqual([...toPcm16(Float32Array.of(0, 1, -1, 2, -2, 0.5))], [0, 32767, -32768, 32767, -32768, 16384]);
});
