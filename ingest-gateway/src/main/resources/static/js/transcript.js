// The transcript: segments upserted in place by id (the merger revises them), deleted by id, shown by start
// time. SegmentStore is pure; TranscriptView keeps one DOM node per segment and moves only what changed.

export class SegmentStore {
  constructor() {
    this.byId = new Map();
  }

  /** Upserts app segments ({id, text, speaker, speaker_id, is_user, start, end, ...}); returns the ids changed. */
  upsert(segments) {
    const changed = [];
    for (const s of segments) {
      if (!s || typeof s.id !== 'string') continue;
      const before = this.byId.get(s.id);
      if (!before || before.text !== s.text || before.start !== s.start || before.end !== s.end
          || before.speaker_id !== s.speaker_id) {
        changed.push(s.id);
      }
      this.byId.set(s.id, { ...s });
    }
    return changed;
  }

  /** Removes segments (segments_deleted); returns the ids that were present. */
  remove(ids) {
    return (ids || []).filter((id) => this.byId.delete(id));
  }

  /** Segments by start time (then end, then id, so the order is total). */
  ordered() {
    return [...this.byId.values()].sort((a, b) => a.start - b.start || a.end - b.end || (a.id < b.id ? -1 : 1));
  }

  /** Every word shown, in order. */
  words() {
    return this.ordered().flatMap((s) => String(s.text).split(/\s+/).filter(Boolean));
  }

  clear() {
    this.byId.clear();
  }
}

/** 83.25 -> "1:23.2" */
export function clock(seconds) {
  const s = Math.max(0, Number(seconds) || 0);
  const m = Math.floor(s / 60);
  const rest = s - m * 60;
  return `${m}:${rest < 10 ? '0' : ''}${rest.toFixed(1)}`;
}

export const SPEAKER_COLOURS = 6;

export function speakerIndex(segment) {
  const n = Number(segment.speaker_id);
  return Number.isInteger(n) && n >= 0 ? n % SPEAKER_COLOURS : 0;
}

export class TranscriptView {
  constructor(list, empty, onChange = () => {}) {
    this.list = list;
    this.empty = empty;
    this.onChange = onChange;
    this.nodes = new Map();
    this.store = new SegmentStore();
    this.markers = []; // {key, at, kind, text}: where the service changed, at the audio time it happened
  }

  upsert(segments) {
    const changed = this.store.upsert(segments);
    this.render(changed);
    return changed.length;
  }

  remove(ids) {
    for (const id of this.store.remove(ids)) {
      const node = this.nodes.get(id);
      if (node) node.remove();
      this.nodes.delete(id);
    }
    this.render([]);
  }

  /** A line across the transcript at audio time `at` (seconds): "Deepgram live down", "back on live". */
  mark(kind, at, text) {
    this.markers.push({ key: `marker-${this.markers.length}`, at, kind, text });
    this.render([]);
  }

  clear() {
    this.store.clear();
    this.markers = [];
    this.nodes.clear();
    this.list.replaceChildren();
    this.render([]);
  }

  render(changed) {
    const items = [
      ...this.store.ordered().map((s) => ({ key: s.id, at: s.start, segment: s })),
      ...this.markers.map((m) => ({ key: m.key, at: m.at, marker: m })),
    ].sort((a, b) => a.at - b.at || (a.marker ? -1 : 0) - (b.marker ? -1 : 0));
    let previous = null;
    for (const item of items) {
      let node = this.nodes.get(item.key);
      if (!node) {
        node = item.marker ? this.createMarker(item.marker) : this.create(item.key);
        this.nodes.set(item.key, node);
        if (item.segment) changed = [...changed, item.key];
      }
      if (item.segment && changed.includes(item.key)) this.fill(node, item.segment);
      // keep DOM order = time order, moving only nodes that are out of place
      const expectedNext = previous ? previous.nextSibling : this.list.firstChild;
      if (expectedNext !== node) this.list.insertBefore(node, expectedNext);
      previous = node;
    }
    this.empty.hidden = items.length > 0;
    this.onChange();
  }

  create(id) {
    const li = document.createElement('li');
    li.className = 'segment';
    li.dataset.id = id;
    li.innerHTML = '<div class="meta"><span class="speaker"></span><time class="time"></time></div><p class="text"></p>';
    return li;
  }

  createMarker(marker) {
    const li = document.createElement('li');
    li.className = `marker ${marker.kind}`;
    li.innerHTML = '<span class="line"></span><span class="label"></span><span class="line"></span>';
    li.querySelector('.label').textContent = `${marker.text} · ≈${clock(marker.at)}`;
    return li;
  }

  fill(node, s) {
    const speaker = node.querySelector('.speaker');
    speaker.textContent = s.is_user ? 'You' : `Speaker ${(Number(s.speaker_id) || 0) + 1}`;
    node.dataset.speaker = String(speakerIndex(s));
    node.querySelector('.time').textContent = `${clock(s.start)} – ${clock(s.end)}`;
    node.querySelector('.text').textContent = s.text;
    node.classList.remove('fresh');
    void node.offsetWidth; // restart the highlight animation
    node.classList.add('fresh');
  }
}
