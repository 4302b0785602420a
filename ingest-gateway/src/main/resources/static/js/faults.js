// Development only: the Deepgram emulator's fault API (PUT/GET/DELETE {emulator}/__emulator/faults, opened to this
// page's origin by the emulator's --admin-cors-origin). Live (down | flapping) and pre-recorded (down) faults
// combine; a PUT replaces the emulator's whole fault set, so the panel always PUTs their union.

/** The emulator fault body for a panel state, or null for healthy (DELETE). Pure. */
export function faultBody({ live = 'up', prerecorded = 'up' }) {
  const body = {};
  if (live === 'down') body.live = { close_after_ms: 100, close_code: 1011, handshake_status: 503 };
  else if (live === 'flapping') body.live = { close_after_ms: 300, close_code: 1011 };
  if (prerecorded === 'down') body.prerecorded = { status: 503 };
  return Object.keys(body).length === 0 ? null : body;
}

/** The panel state of the emulator's current fault set (as GET answers it). Pure. */
export function panelState(current) {
  const l = current && current.live;
  const p = current && current.prerecorded;
  let live = 'up';
  if (l && l.handshake_status != null) live = 'down';
  else if (l && l.close_after_ms != null) live = 'flapping';
  else if (l) live = 'other';
  const prerecorded = p && (p.status != null || p.no_answer != null) ? 'down' : p ? 'other' : 'up';
  return { live, prerecorded };
}

export class FaultPanel {
  /**
   * @param {HTMLElement} root the panel (buttons with data-fault="live-down|flapping|prerecorded-down|clear")
   * @param {string} baseUrl the emulator's base URL
   */
  constructor(root, baseUrl, onChange) {
    this.root = root;
    this.url = `${baseUrl}/__emulator/faults`;
    this.onChange = onChange || (() => {});
    this.state = { live: 'up', prerecorded: 'up' };
    this.note = root.querySelector('[data-role="fault-note"]');
    root.hidden = false;
    root.querySelectorAll('[data-fault]').forEach((button) => {
      button.addEventListener('click', () => this.apply(button.dataset.fault));
    });
    this.refresh();
    this.poller = setInterval(() => this.refresh(), 3000); // faults set from the terminal show here too
  }

  async apply(fault) {
    const next = { ...this.state };
    if (fault === 'clear') {
      next.live = 'up';
      next.prerecorded = 'up';
    } else if (fault === 'live-down') {
      next.live = this.state.live === 'down' ? 'up' : 'down';
    } else if (fault === 'flapping') {
      next.live = this.state.live === 'flapping' ? 'up' : 'flapping';
    } else if (fault === 'prerecorded-down') {
      next.prerecorded = this.state.prerecorded === 'down' ? 'up' : 'down';
    }
    const body = faultBody(next);
    try {
      const response = await fetch(this.url, body === null ? { method: 'DELETE' } : {
        method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
      this.show(panelState(await response.json().catch(() => null)), null);
      this.onChange(fault, this.state);
    } catch (e) {
      this.show(this.state, `The emulator did not take the fault (${e.message}). Is it running with --admin-cors-origin ${location.origin}?`);
    }
  }

  async refresh() {
    try {
      const response = await fetch(this.url);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      this.show(panelState(await response.json()), null);
    } catch (e) {
      this.show(this.state, `Emulator unreachable from this page (${e.message}).`);
    }
  }

  show(state, problem) {
    this.state = state;
    this.root.querySelectorAll('[data-fault]').forEach((button) => {
      const f = button.dataset.fault;
      const on = (f === 'live-down' && state.live === 'down') || (f === 'flapping' && state.live === 'flapping')
        || (f === 'prerecorded-down' && state.prerecorded === 'down');
      button.setAttribute('aria-pressed', String(on));
    });
    const healthy = state.live === 'up' && state.prerecorded === 'up';
    this.root.dataset.healthy = String(healthy);
    if (this.note) {
      this.note.textContent = problem || (healthy ? 'Deepgram emulator healthy.'
        : `Injected: ${[state.live !== 'up' ? `live ${state.live}` : null,
          state.prerecorded !== 'up' ? `pre-recorded ${state.prerecorded}` : null].filter(Boolean).join(', ')}.`);
      this.note.classList.toggle('problem', Boolean(problem));
    }
  }
}
