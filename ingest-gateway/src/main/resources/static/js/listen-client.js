// The browser's side of /v4/web/listen: omi's first-message auth, then the /v4/listen protocol. Emits
// 'auth', 'session_started', 'segments', 'segments_deleted', 'status', 'audio_durable', 'error', 'closed'.

const KEEPALIVE = Uint8Array.of(0x8a, 0x00); // omi's 2-byte pong; resets the server's idle timer

export class ListenClient extends EventTarget {
  /**
   * @param {string} url ws(s)://host/v4/web/listen?codec=pcm16&sample_rate=16000...
   * @param {string} token a JWT
   */
  constructor(url, token) {
    super();
    this.url = url;
    this.token = token;
    this.ws = null;
    this.sessionId = null;
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  connect() {
    const ws = new WebSocket(this.url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.addEventListener('open', () => ws.send(JSON.stringify({ type: 'auth', token: this.token })));
    ws.addEventListener('message', (event) => this.onMessage(event.data));
    ws.addEventListener('close', (event) => this.emit('closed', { code: event.code, reason: event.reason }));
  }

  onMessage(data) {
    if (typeof data !== 'string') return;
    if (data === 'ping') {
      this.sendBinary(KEEPALIVE);
      return;
    }
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return; // not JSON: nothing the page knows
    }
    if (Array.isArray(message)) {
      this.emit('segments', message);
      return;
    }
    switch (message && message.type) {
      case 'auth_response': this.emit('auth', { success: message.success === true }); break;
      case 'session_started':
        this.sessionId = message.session_id;
        this.emit('session_started', { sessionId: message.session_id });
        break;
      case 'service_status':
        this.emit('status', { status: message.status, text: message.status_text, metadata: message.metadata });
        break;
      case 'segments_deleted': this.emit('segments_deleted', message.segment_ids || []); break;
      case 'audio_durable':
        this.emit('audio_durable', { frames: message.frames, throughS: message.through_s });
        break;
      case 'error':
        this.emit('error', { code: message.code, message: message.message, retryAfter: message.retry_after_seconds });
        break;
      default: break;
    }
  }

  get open() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  /** Bytes handed to the socket and not yet sent (a slow network shows here). */
  get buffered() {
    return this.ws ? this.ws.bufferedAmount : 0;
  }

  sendBinary(bytes) {
    if (this.open) this.ws.send(bytes);
  }

  /** {"type":"stop"}: the server publishes the rest, waits for the complete transcript and closes 1000. */
  stop() {
    if (this.open) this.ws.send(JSON.stringify({ type: 'stop' }));
  }

  close() {
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) this.ws.close(1000, 'page closed');
  }
}
