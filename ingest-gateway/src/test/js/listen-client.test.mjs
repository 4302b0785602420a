// The page's socket client: every server message becomes the right event (audio_durable included, which
// servers with resumable sessions send); ping, unknown and non-JSON text are not events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ListenClient } from '../../main/resources/static/js/listen-client.js';

function record() {
  const client = new ListenClient('ws://unused/v4/web/listen', 't');
  const events = [];
  for (const type of ['auth', 'session_started', 'segments', 'segments_deleted', 'status', 'audio_durable', 'error']) {
    client.addEventListener(type, (e) => events.push([type, e.detail]));
  }
  return { client, events };
}

test('server messages become events', () => {
  const { client, events } = record();
  client.onMessage('{"type":"auth_response","success":true}');
  client.onMessage('{"type":"session_started","session_id":"01J"}');
  client.onMessage('{"type":"service_status","status":"stt_degraded","status_text":"x","metadata":{"batch_interval_seconds":8}}');
  client.onMessage('[{"id":"a","text":"W100.","start":0.5,"end":0.76}]');
  client.onMessage('{"type":"segments_deleted","segment_ids":["a"]}');
  client.onMessage('{"type":"audio_durable","session_id":"01J","frames":42,"through_s":3.5}');
  client.onMessage('{"type":"error","code":"too_many_sessions","message":"m","retry_after_seconds":6}');
  assert.deepEqual(events, [
    ['auth', { success: true }],
    ['session_started', { sessionId: '01J' }],
    ['status', { status: 'stt_degraded', text: 'x', metadata: { batch_interval_seconds: 8 } }],
    ['segments', [{ id: 'a', text: 'W100.', start: 0.5, end: 0.76 }]],
    ['segments_deleted', ['a']],
    ['audio_durable', { frames: 42, throughS: 3.5 }],
    ['error', { code: 'too_many_sessions', message: 'm', retryAfter: 6 }],
  ]);
  assert.equal(client.sessionId, '01J');
});

test('an auth_response without success true is a refusal; ping, unknown and broken text are no events', () => {
  const { client, events } = record();
  client.onMessage('{"type":"auth_response"}');
  client.onMessage('ping');
  client.onMessage('{"type":"memory_created"}');
  client.onMessage('not json');
  client.onMessage(new ArrayBuffer(2));
  assert.deepEqual(events, [['auth', { success: false }]]);
});
