// The fault panel's bodies: the union of what is switched on, as the emulator's fault API takes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { faultBody, panelState } from '../../main/resources/static/js/faults.js';

test('each fault and their union', () => {
  assert.equal(faultBody({}), null);
  assert.deepEqual(faultBody({ live: 'down' }),
    { live: { close_after_ms: 100, close_code: 1011, handshake_status: 503 } });
  assert.deepEqual(faultBody({ live: 'flapping' }), { live: { close_after_ms: 300, close_code: 1011 } });
  assert.deepEqual(faultBody({ prerecorded: 'down' }), { prerecorded: { status: 503 } });
  assert.deepEqual(faultBody({ live: 'down', prerecorded: 'down' }), {
    live: { close_after_ms: 100, close_code: 1011, handshake_status: 503 }, prerecorded: { status: 503 },
  });
});

test('the panel reads back what the emulator answers', () => {
  assert.deepEqual(panelState({ live: null, prerecorded: null }), { live: 'up', prerecorded: 'up' });
  assert.deepEqual(panelState({ live: { handshake_status: 503, close_after_ms: 100, close_code: 1011, stall: false },
    prerecorded: { status: 503 } }), { live: 'down', prerecorded: 'down' });
  assert.deepEqual(panelState({ live: { handshake_status: null, close_after_ms: 300 }, prerecorded: null }),
    { live: 'flapping', prerecorded: 'up' });
  assert.deepEqual(panelState({ live: { stall: true }, prerecorded: { delay_ms: 3000 } }),
    { live: 'other', prerecorded: 'other' });
  assert.deepEqual(panelState(null), { live: 'up', prerecorded: 'up' });
});
