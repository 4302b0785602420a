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
  constructor(list, empty) {
    this.list = list;
    this.empty = empty;
    this.nodes = new Map();
    this.store = new SegmentStore();
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

  clear() {
    this.store.clear();
    this.nodes.clear();
    this.list.replaceChildren();
    this.render([]);
  }

  render(changed) {
    const ordered = this.store.ordered();
    let previous = null;
    for (const s of ordered) {
      let node = this.nodes.get(s.id);
      if (!node) {
        node = this.create(s.id);
        this.nodes.set(s.id, node);
      }
      if (changed.includes(s.id)) this.fill(node, s);
      // keep DOM order = time order, moving only nodes that are out of place
      const expectedNext = previous ? previous.nextSibling : this.list.firstChild;
      if (expectedNext !== node) this.list.insertBefore(node, expectedNext);
      previous = node;
    }
    this.empty.hidden = ordered.length > 0;
  }

  create(id) {
    const li = document.createElement('li');
    li.className = 'segment';
    li.dataset.id = id;
    li.innerHTML = '<div class="meta"><span class="speaker"></span><time class="time"></time></div><p class="text"></p>';
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
