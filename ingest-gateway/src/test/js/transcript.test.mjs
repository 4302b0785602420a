// The transcript store: upserts in place by id, deletions, order by start time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SegmentStore, clock, speakerIndex } from '../../main/resources/static/js/transcript.js';

const seg = (id, text, start, end, speakerId = 0) => ({ id, text, start, end, speaker_id: speakerId, is_user: false });

test('an upsert of a known id revises the segment in place', () => {
  const store = new SegmentStore();
  assert.deepEqual(store.upsert([seg('a', 'W100.', 0.5, 0.76)]), ['a']);
  assert.deepEqual(store.upsert([seg('a', 'W100.', 0.5, 0.76)]), [], 'an identical upsert changes nothing');
  assert.deepEqual(store.upsert([seg('a', 'W100. W107.', 0.5, 1.3)]), ['a']);
  assert.deepEqual(store.words(), ['W100.', 'W107.']);
  assert.equal(store.ordered().length, 1);
});

test('segments are shown by start time, a late batch segment where it was spoken', () => {
  const store = new SegmentStore();
  store.upsert([seg('live-1', 'W100.', 0.5, 0.8), seg('live-3', 'W121.', 6, 6.3)]);
  store.upsert([seg('batch-2', 'w107 w114', 2, 4, 1)]);
  assert.deepEqual(store.ordered().map((s) => s.id), ['live-1', 'batch-2', 'live-3']);
  assert.deepEqual(store.words(), ['W100.', 'w107', 'w114', 'W121.']);
});

test('segments_deleted removes only known ids', () => {
  const store = new SegmentStore();
  store.upsert([seg('a', 'x', 0, 1), seg('b', 'y', 1, 2)]);
  assert.deepEqual(store.remove(['a', 'zz']), ['a']);
  assert.deepEqual(store.words(), ['y']);
});

test('times and speaker colours', () => {
  assert.equal(clock(0), '0:00.0');
  assert.equal(clock(83.25), '1:23.3');
  assert.equal(clock(600), '10:00.0');
  assert.equal(speakerIndex({ speaker_id: 1 }), 1);
  assert.equal(speakerIndex({ speaker_id: 7 }), 1);
  assert.equal(speakerIndex({ speaker_id: null }), 0);
});
