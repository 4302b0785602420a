// "Play sample" reads the WAV's data chunk, past any other chunk, and refuses what is not 16-bit PCM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseWav } from '../../main/resources/static/js/sources.js';

function wav({ format = 1, bits = 16, rate = 16000, channels = 1, extra = true, samples = [1, -2, 3] }) {
  const chunks = [];
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0); fmt.writeUInt32LE(16, 4); fmt.writeUInt16LE(format, 8); fmt.writeUInt16LE(channels, 10);
  fmt.writeUInt32LE(rate, 12); fmt.writeUInt32LE(rate * channels * 2, 16); fmt.writeUInt16LE(channels * 2, 20);
  fmt.writeUInt16LE(bits, 22);
  chunks.push(fmt);
  if (extra) {
    const list = Buffer.alloc(8 + 5 + 1);
    list.write('LIST', 0); list.writeUInt32LE(5, 4); list.write('abcde', 8); // odd size: padded
    chunks.push(list);
  }
  const data = Buffer.alloc(8 + samples.length * 2);
  data.write('data', 0); data.writeUInt32LE(samples.length * 2, 4);
  samples.forEach((s, i) => data.writeInt16LE(s, 8 + 2 * i));
  chunks.push(data);
  const body = Buffer.concat(chunks);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0); head.writeUInt32LE(4 + body.length, 4); head.write('WAVE', 8);
  const all = Buffer.concat([head, body]);
  return all.buffer.slice(all.byteOffset, all.byteOffset + all.length);
}

test('the data chunk after other chunks', () => {
  const parsed = parseWav(wav({}));
  assert.equal(parsed.rate, 16000);
  assert.equal(parsed.channels, 1);
  assert.deepEqual([...new Int16Array(parsed.pcm)], [1, -2, 3]);
});

test('not a WAV, not PCM, not 16-bit', () => {
  assert.throws(() => parseWav(new ArrayBuffer(4)), /not a WAV/);
  assert.throws(() => parseWav(wav({ format: 3 })), /16-bit PCM/);
  assert.throws(() => parseWav(wav({ bits: 8 })), /16-bit PCM/);
});

test('the repository sample is 16 kHz mono PCM of 13.8 s', () => {
  const bytes = readFileSync(new URL('../../../../samples/tone-words-16k.wav', import.meta.url));
  const parsed = parseWav(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  assert.equal(parsed.rate, 16000);
  assert.equal(parsed.channels, 1);
  assert.ok(Math.abs(parsed.pcm.byteLength / 2 / 16000 - 13.8) < 0.05, `${parsed.pcm.byteLength / 32000} s`);
});
