// The session's state as the badge shows it, from what the socket says. Pure: reduce(state, event) -> state.
//
// events: {type:'start'} {type:'auth', success} {type:'session_started', sessionId}
//         {type:'status', status, text, metadata} {type:'error', code, message, retryAfter}
//         {type:'stopping'} {type:'closed', code, reason}

export const initial = Object.freeze({
  phase: 'idle', label: 'idle', detail: 'Not connected', sessionId: null, finishing: false, error: null,
  degradedEpisodes: 0, warnings: [],
});

const LIVE_PHASES = new Set(['connecting', 'live', 'degraded', 'recovered']);

function seconds(value) {
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function degradedLabel(metadata) {
  const every = seconds(metadata && metadata.batch_interval_seconds);
  return every === null ? 'degraded · batch mode' : `degraded · batch every ${every} s`;
}

export function reduce(state, event) {
  switch (event.type) {
    case 'start':
      return { ...initial, phase: 'connecting', label: 'connecting', detail: 'Opening the socket' };
    case 'auth':
      return event.success
        ? { ...state, detail: 'Token accepted; starting the session' }
        : { ...state, phase: 'refused', label: 'refused', detail: 'The token was refused' };
    case 'session_started':
      return { ...state, sessionId: event.sessionId, detail: `Session ${event.sessionId} started; waiting for Deepgram` };
    case 'status':
      return status(state, event);
    case 'error': {
      const retry = event.retryAfter ? ` (retry in ${event.retryAfter} s)` : '';
      const refused = state.phase === 'connecting' || state.phase === 'idle' || state.phase === 'refused';
      const phase = refused ? 'refused' : 'closed';
      return { ...state, phase, label: phase === 'refused' ? 'refused' : 'disconnected',
        detail: `${event.code}: ${event.message}${retry}`, error: { code: event.code, message: event.message } };
    }
    case 'stopping':
      return LIVE_PHASES.has(state.phase) ? { ...state, finishing: true } : state;
    case 'closed':
      if (state.phase === 'refused' || state.phase === 'closed') return state;
      if (event.code === 1000 && state.finishing) {
        return { ...state, phase: 'complete', label: 'complete', finishing: false,
          detail: 'Every word of the session is in the transcript' };
      }
      return { ...state, phase: 'closed', label: 'disconnected', finishing: false,
        detail: `Socket closed ${event.code}${event.reason ? ` (${event.reason})` : ''}` };
    default:
      return state;
  }
}

function status(state, event) {
  const m = event.metadata || {};
  switch (event.status) {
    case 'initiating':
    case 'stt_initiating':
      return state.phase === 'connecting' ? { ...state, detail: event.text || event.status } : state;
    case 'ready':
      return state.phase === 'connecting'
        ? { ...state, phase: 'live', label: 'live', detail: 'Streaming to Deepgram live' }
        : state;
    case 'stt_degraded':
      return { ...state, phase: 'degraded', label: degradedLabel(m),
        detail: `Deepgram live is unavailable${m.reason ? ` (${m.reason})` : ''}; audio is transcribed in batches, `
          + 'nothing is lost', degradedEpisodes: state.degradedEpisodes + 1 };
    case 'stt_recovered': {
      const d = seconds(m.degraded_duration_s);
      return { ...state, phase: 'recovered', label: 'recovered',
        detail: `Back on Deepgram live${d === null ? '' : ` after ${d.toFixed(1)} s in batch mode`}` };
    }
    case 'chunk_lost': {
      const from = seconds(m.from_s);
      const to = seconds(m.to_s);
      const what = from === null || to === null ? 'a stretch of audio' : `${from.toFixed(1)}–${to.toFixed(1)} s`;
      return { ...state, warnings: [...state.warnings, `Deepgram refused ${what}${m.reason ? ` (${m.reason})` : ''}`] };
    }
    default:
      return state;
  }
}

/** The badge's text: the label, with "finishing" while the transcript completes after stop. */
export function badgeText(state) {
  return state.finishing ? `${state.label} · finishing` : state.label;
}

/** One line for the event log, in words: {text, kind: info|warn|good}. */
export function describeStatus(status, metadata) {
  const m = metadata || {};
  switch (status) {
    case 'initiating': return { text: 'Service starting', kind: 'info' };
    case 'stt_initiating': return { text: 'Connecting to Deepgram', kind: 'info' };
    case 'ready': return { text: 'Deepgram live connected', kind: 'good' };
    case 'stt_degraded': {
      const every = seconds(m.batch_interval_seconds);
      return { text: `Deepgram live down${m.reason ? ` (${m.reason})` : ''}: batch mode`
        + `${every === null ? '' : `, every ${every} s`}`, kind: 'warn' };
    }
    case 'stt_recovered': {
      const d = seconds(m.degraded_duration_s);
      return { text: `Back on Deepgram live${d === null ? '' : ` after ${d.toFixed(1)} s of batch mode`}`, kind: 'good' };
    }
    case 'chunk_lost': {
      const from = seconds(m.from_s);
      const to = seconds(m.to_s);
      return { text: `Audio ${from === null || to === null ? '' : `${from.toFixed(1)}–${to.toFixed(1)} s `}`
        + `could not be transcribed${m.reason ? ` (${m.reason})` : ''}`, kind: 'warn' };
    }
    default: return { text: `${status}${Object.keys(m).length ? ` ${JSON.stringify(m)}` : ''}`, kind: 'info' };
  }
}
