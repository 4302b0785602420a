// The state badge's reducer: connecting / live / degraded (batch every N s) / recovered / complete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { badgeText, describeStatus, initial, reduce } from '../../main/resources/static/js/session-state.js';

const run = (...events) => events.reduce(reduce, initial);
const status = (s, metadata = null) => ({ type: 'status', status: s, text: s, metadata });

test('a session goes connecting, live, degraded, recovered, complete', () => {
  let s = run({ type: 'start' }, { type: 'auth', success: true }, { type: 'session_started', sessionId: 'S' },
    status('initiating'), status('stt_initiating'));
  assert.equal(s.phase, 'connecting');
  assert.equal(s.sessionId, 'S');
  s = reduce(s, status('ready'));
  assert.equal(s.phase, 'live');
  s = reduce(s, status('stt_degraded', { batch_mode: true, batch_interval_seconds: 8, reason: 'socket_closed_1011' }));
  assert.equal(s.phase, 'degraded');
  assert.equal(badgeText(s), 'degraded · batch every 8 s');
  assert.match(s.detail, /socket_closed_1011/);
  s = reduce(s, status('stt_recovered', { degraded_duration_s: 12.34 }));
  assert.equal(s.phase, 'recovered');
  assert.match(s.detail, /12\.3 s/);
  s = reduce(s, { type: 'stopping' });
  assert.equal(badgeText(s), 'recovered · finishing');
  s = reduce(s, { type: 'closed', code: 1000, reason: '' });
  assert.equal(s.phase, 'complete');
  assert.equal(s.degradedEpisodes, 1);
});

test('a refused token or parameter is "refused", with the code on hover', () => {
  let s = run({ type: 'start' }, { type: 'auth', success: false });
  assert.equal(s.phase, 'refused');
  s = reduce(s, { type: 'error', code: 'invalid_token', message: 'token rejected' });
  s = reduce(s, { type: 'closed', code: 1008, reason: 'Invalid token' });
  assert.equal(s.phase, 'refused');
  assert.match(s.detail, /invalid_token/);
});

test('a close during the session is "disconnected", with the retry advice', () => {
  let s = run({ type: 'start' }, status('ready'));
  s = reduce(s, { type: 'error', code: 'kafka_unavailable', message: 'retry later', retryAfter: 10 });
  s = reduce(s, { type: 'closed', code: 1013, reason: 'kafka unavailable' });
  assert.equal(s.phase, 'closed');
  assert.match(s.detail, /retry in 10 s/);
  assert.equal(run({ type: 'start' }, status('ready'), { type: 'closed', code: 1006, reason: '' }).phase, 'closed');
});

test('a degraded status without metadata still says batch mode; chunk_lost is a warning, not a state', () => {
  let s = run({ type: 'start' }, status('ready'), status('stt_degraded'));
  assert.equal(badgeText(s), 'degraded · batch mode');
  s = reduce(s, status('chunk_lost', { from_s: 3, to_s: 9.5, reason: 'http_400' }));
  assert.equal(s.phase, 'degraded');
  assert.deepEqual(s.warnings, ['Deepgram refused 3.0–9.5 s (http_400)']);
});

test('late initiating events do not take a live session back to connecting', () => {
  assert.equal(run({ type: 'start' }, status('ready'), status('stt_initiating')).phase, 'live');
});

test('the event log says what happened in words', () => {
  assert.deepEqual(describeStatus('stt_degraded', { reason: 'socket_closed_1011', batch_interval_seconds: 30 }),
    { text: 'Deepgram live down (socket_closed_1011): batch mode, every 30 s', kind: 'warn' });
  assert.deepEqual(describeStatus('stt_recovered', { degraded_duration_s: 4.25 }),
    { text: 'Back on Deepgram live after 4.3 s of batch mode', kind: 'good' });
  assert.deepEqual(describeStatus('chunk_lost', { from_s: 1, to_s: 2, reason: 'http_400' }),
    { text: 'Audio 1.0–2.0 s could not be transcribed (http_400)', kind: 'warn' });
  assert.equal(describeStatus('ready', null).kind, 'good');
  assert.equal(describeStatus('something_new', { a: 1 }).text, 'something_new {"a":1}');
});
