// The page: wires the audio sources, the socket, the state badge, the transcript and the fault panel.
import { ListenClient } from './listen-client.js';
import { MicSource, SampleSource } from './sources.js';
import { badgeText, describeStatus, initial, reduce } from './session-state.js';
import { TranscriptView, clock } from './transcript.js';
import { FaultPanel } from './faults.js';

const $ = (id) => document.getElementById(id);
const ui = {
  badge: $('state-badge'), badgeLabel: document.querySelector('#state-badge .label'), banner: $('banner'),
  startMic: $('start-mic'), playSample: $('play-sample'), stop: $('stop'), authLine: $('auth-line'),
  tokenForm: $('token-form'), tokenInput: $('token-input'), notice: $('notice'), events: $('events'),
  session: $('stat-session'), elapsed: $('stat-elapsed'), sent: $('stat-sent'), durable: $('stat-durable'),
  words: $('stat-words'), source: $('stat-source'),
};
const view = new TranscriptView($('transcript'), $('transcript-empty'),
  () => { ui.words.textContent = String(view.store.words().length); });

let config = {};
let state = initial;
let client = null;
let source = null;
let pastedToken = null;
let run = null; // {startedAt, bytes, rate, durable}

function dispatch(event) {
  state = reduce(state, event);
  ui.badge.dataset.phase = state.phase;
  ui.badgeLabel.textContent = badgeText(state);
  ui.badge.title = state.detail;
  ui.banner.hidden = state.phase !== 'degraded';
  ui.banner.querySelector('.text').textContent = state.detail;
  document.body.dataset.phase = state.phase;
}

function log(text, kind = 'info') {
  const li = document.createElement('li');
  li.className = kind;
  const at = run && run.startedAt ? clock((performance.now() - run.startedAt) / 1000) : '—';
  li.innerHTML = '<time></time><span></span>';
  li.querySelector('time').textContent = at;
  li.querySelector('span').textContent = text;
  ui.events.prepend(li);
  while (ui.events.children.length > 60) ui.events.lastChild.remove();
}

function notice(text) {
  ui.notice.hidden = !text;
  ui.notice.textContent = text || '';
}

function busy(on) {
  ui.startMic.disabled = on;
  ui.playSample.disabled = on;
  ui.stop.disabled = !on;
}

function describeAuth() {
  if (pastedToken) {
    ui.authLine.textContent = 'Using the token you gave.';
    ui.tokenForm.hidden = true;
  } else if (config.dev_token_url) {
    ui.authLine.textContent = 'Development mode: each session gets a development token.';
    ui.tokenForm.hidden = true;
  } else {
    ui.authLine.textContent = 'Paste a token (a JWT this gateway accepts), or open this page as /#token=<JWT>.';
    ui.tokenForm.hidden = false;
  }
}

async function token() {
  if (pastedToken) return pastedToken;
  if (!config.dev_token_url) throw new Error('no token: paste one first');
  const response = await fetch(config.dev_token_url, { method: 'POST' });
  if (!response.ok) throw new Error(`development token: HTTP ${response.status}`);
  const body = await response.json();
  ui.authLine.textContent = `Development token for ${body.user_id}.`;
  return body.token;
}

function onFrame(pcm) {
  if (!client || !client.open) return;
  client.sendBinary(pcm);
  run.bytes += pcm.byteLength;
}

function onSourceEnd() {
  if (client && client.open) {
    client.stop();
    dispatch({ type: 'stopping' });
    log('audio ended: stop sent, waiting for the complete transcript');
  }
}

async function begin(kind) {
  busy(true);
  notice(null);
  view.clear();
  ui.events.replaceChildren();
  run = { startedAt: 0, bytes: 0, rate: 16000, durable: null, kind };
  dispatch({ type: 'start' });
  try {
    source = kind === 'mic' ? new MicSource(onFrame, onSourceEnd)
      : new SampleSource(config.sample_url || '/samples/tone-words-16k.wav', onFrame, onSourceEnd);
    if (kind === 'sample') await source.load();
    run.rate = source.rate;
    const jwt = await token();
    const base = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}`;
    client = new ListenClient(`${base}${config.listen_path || '/v4/web/listen'}?codec=pcm16&sample_rate=${run.rate}`
      + '&channels=1&language=en', jwt);
    wire(client, source);
    client.connect();
  } catch (e) {
    notice(e.message);
    dispatch({ type: 'error', code: 'page', message: e.message });
    finish();
  }
}

function wire(c, src) {
  c.addEventListener('auth', (e) => {
    dispatch({ type: 'auth', success: e.detail.success });
    log(e.detail.success ? 'token accepted' : 'token refused', e.detail.success ? 'info' : 'bad');
  });
  c.addEventListener('session_started', async (e) => {
    run.startedAt = performance.now();
    ui.session.textContent = e.detail.sessionId;
    dispatch({ type: 'session_started', sessionId: e.detail.sessionId });
    log(`session ${e.detail.sessionId} started`);
    try {
      await src.start();
      log(run.kind === 'mic' ? 'microphone on' : 'playing the sample');
    } catch (err) {
      notice(`Cannot capture audio: ${err.message}`);
      log(`no audio: ${err.message}`, 'bad');
      onSourceEnd();
    }
  });
  c.addEventListener('segments', (e) => view.upsert(e.detail));
  c.addEventListener('segments_deleted', (e) => view.remove(e.detail));
  c.addEventListener('status', (e) => {
    const before = state.phase;
    dispatch({ type: 'status', ...e.detail });
    const line = describeStatus(e.detail.status, e.detail.metadata);
    log(line.text, line.kind);
    // where in the audio the switch showed (the audio sent so far, so a little after the switch itself)
    const at = run.bytes / 2 / run.rate;
    if (state.phase === 'degraded' && before !== 'degraded') view.mark('degraded', at, 'Deepgram live down: batch mode');
    if (state.phase === 'recovered' && before === 'degraded') view.mark('recovered', at, 'Back on Deepgram live');
  });
  c.addEventListener('audio_durable', (e) => { run.durable = e.detail; });
  c.addEventListener('error', (e) => {
    dispatch({ type: 'error', ...e.detail });
    log(`${e.detail.code}: ${e.detail.message}`, 'bad');
    notice(`${e.detail.code}: ${e.detail.message}`);
  });
  c.addEventListener('closed', (e) => {
    dispatch({ type: 'closed', code: e.detail.code, reason: e.detail.reason });
    log(`socket closed ${e.detail.code}${e.detail.reason ? ` ${e.detail.reason}` : ''}`,
      state.phase === 'complete' ? 'good' : 'info');
    finish();
  });
}

function finish() {
  if (source) {
    const s = source;
    source = null;
    s.onEnd = () => {};
    s.stop();
  }
  client = null;
  busy(false);
}

function tick() {
  if (!run || !run.startedAt) return;
  ui.source.textContent = run.kind === 'mic' ? 'microphone' : 'sample';
  if (client) ui.elapsed.textContent = clock((performance.now() - run.startedAt) / 1000);
  ui.sent.textContent = `${clock(run.bytes / 2 / run.rate)}${client && client.buffered > 64000
    ? ` (${(client.buffered / 2 / run.rate).toFixed(1)} s waiting to be sent)` : ''}`;
  ui.durable.textContent = run.durable
    ? `${clock(run.durable.throughS)} · ${run.durable.frames} frames` : '—';
}

async function init() {
  config = await fetch('/web/config').then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.get('token')) {
    pastedToken = fragment.get('token');
    history.replaceState(null, '', location.pathname + location.search); // keep it out of the address bar
  }
  describeAuth();
  ui.tokenForm.addEventListener('submit', (e) => {
    e.preventDefault();
    pastedToken = ui.tokenInput.value.trim() || null;
    ui.tokenInput.value = '';
    describeAuth();
  });
  ui.startMic.addEventListener('click', () => begin('mic'));
  ui.playSample.addEventListener('click', () => begin('sample'));
  ui.stop.addEventListener('click', () => {
    if (source) source.stop();
    else if (client) client.close();
  });
  if (config.fault_api_url) {
    // eslint-disable-next-line no-new
    new FaultPanel($('fault-panel'), config.fault_api_url, (fault) => log(`fault panel: ${fault}`, 'warn'));
  }
  dispatch({ type: 'noop' });
  setInterval(tick, 250);
  document.body.dataset.ready = 'true';
}

init();
