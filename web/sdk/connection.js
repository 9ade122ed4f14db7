// One chat session that stays up, over a WebSocket (GET /ws) or anything
// with its API (PollSocket): it authenticates with an `auth` message (the
// token stays out of the URL), reconnects after any drop with
// Backoff, and notices a dead link with an application ping. It knows
// nothing of rooms: the owner resumes them in onWelcome. A server that is
// restarting says when to come back (server_restarting): the next attempt
// waits that long first, so a restart does not become a reconnect storm.
//
// States reported by onState: 'connecting' (connecting, or waiting to),
// 'connected' (welcome received), 'closed' (stopped, or the server refused
// the token: onAuthFailed, no more retries). onRetry(failures) tells, before
// each wait, how many attempts in a row ended without a welcome.
import { Backoff } from './backoff.js';
import { ChatError } from './errors.js';

const kOpen = 1;  // WebSocket.OPEN, the same in browsers and in Node's ws

export class Connection {
  // options: openSocket() (a new WebSocket, or one with its API, to the chat
  // endpoint), getToken() (a token or a promise of one, asked for every
  // connection), refreshable, pingEveryMs, pongWithinMs, backoff (a
  // Backoff). handlers: onWelcome(frame), onFrame(frame), onState(state),
  // onAuthFailed(reason), onTokenError(error), onRetry(failures) (optional).
  constructor(options, handlers) {
    this.options = options;
    this.handlers = handlers;
    this.backoff = options.backoff || new Backoff();
    this.ws = null;
    this.ready = false;
    this.stopped = true;
    this.state = 'closed';
    this.retryTimer = null;
    this.serverDelayMs = 0;  // reconnect_after_ms of the last server_restarting, for the next retry
    this.pingTimer = null;
    this.pongTimer = null;
    this.nextRef = 1;
    this.failures = 0;  // attempts in a row that ended before a welcome
    this.waiting = new Map();  // ref -> {resolve, reject}
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.drop();
    this.setState('closed');
  }

  // Sends a frame if the session is authenticated; false when it is not (the
  // caller keeps what must survive, e.g. the outbox).
  send(frame) {
    if (!this.ready) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  // Sends a frame with a fresh ref; resolves with the reply carrying that
  // ref, rejects with a ChatError for the `error` frame, or with code
  // 'offline' when not connected or when the connection drops.
  request(frame) {
    const ref = `r${this.nextRef++}`;
    return new Promise((resolve, reject) => {
      if (!this.send({ ...frame, ref })) {
        reject(new ChatError('offline', 'not connected'));
        return;
      }
      this.waiting.set(ref, { resolve, reject });
    });
  }

  async connect() {
    this.setState('connecting');
    let token;
    try {
      token = await this.options.getToken();
    } catch (error) {
      // Said, then tried again with the backoff: the app's login may be down a while.
      this.handlers.onTokenError?.(error);
      if (!this.stopped) this.retryLater();
      return;
    }
    if (this.stopped || this.ws) return;
    const ws = this.options.openSocket();
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token, ref: 'auth' }));
    ws.onmessage = (event) => this.receive(event.data);
    ws.onerror = () => {};  // a close follows; Node's ws throws on an unheard error
    ws.onclose = (event) => this.closed(event.code, event.reason);
  }

  receive(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (frame.type === 'welcome') {
      this.ready = true;
      this.failures = 0;
      this.backoff.reset();
      this.startPinging();
      this.setState('connected');
      this.handlers.onWelcome(frame);
      return;
    }
    if (frame.type === 'server_restarting') {
      this.serverDelayMs = Math.max(0, Number(frame.reconnect_after_ms) || 0);
      return;
    }
    if (frame.type === 'pong') {
      clearTimeout(this.pongTimer);
      return;
    }
    const waiter = frame.ref !== undefined ? this.waiting.get(frame.ref) : undefined;
    if (waiter) {
      this.waiting.delete(frame.ref);
      if (frame.type === 'error') waiter.reject(ChatError.fromFrame(frame));
      else waiter.resolve(frame);
    }
    this.handlers.onFrame(frame);
  }

  closed(code, reason) {
    if (!this.ready) this.failures += 1;
    this.detach();
    if (this.stopped) return;
    // An expired token is no reason to give up when a fresh one can be had.
    if (code === 4001 && !(reason === 'token expired' && this.options.refreshable)) {
      this.stopped = true;
      this.setState('closed');
      this.handlers.onAuthFailed(reason || 'session ended');
      return;
    }
    this.retryLater();
  }

  retryLater() {
    clearTimeout(this.retryTimer);
    this.setState('connecting');
    const delayMs = this.serverDelayMs + this.backoff.next();
    this.serverDelayMs = 0;
    this.retryTimer = setTimeout(() => this.connect(), delayMs);
    this.handlers.onRetry?.(this.failures);
  }

  // The network is back (say, the browser says so): no reason to wait out the backoff.
  retryNow() {
    if (this.stopped || this.ws) return;
    clearTimeout(this.retryTimer);
    this.backoff.reset();
    this.connect();
  }

  startPinging() {
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      if (!this.send({ type: 'ping' })) return;
      clearTimeout(this.pongTimer);
      this.pongTimer = setTimeout(() => {
        // No pong: the link is dead even if the WebSocket has not noticed.
        this.drop();
        if (!this.stopped) this.retryLater();
      }, this.options.pongWithinMs);
    }, this.options.pingEveryMs);
  }

  // Forgets the current WebSocket (closing it if open) without reporting.
  drop() {
    const ws = this.ws;
    this.detach();
    if (ws && ws.readyState <= kOpen) ws.close(1000);
  }

  detach() {
    if (this.ws) {
      this.ws.onopen = this.ws.onmessage = this.ws.onclose = null;
      this.ws = null;
    }
    this.ready = false;
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
    for (const waiter of this.waiting.values()) waiter.reject(new ChatError('offline', 'connection lost'));
    this.waiting.clear();
  }

  setState(state) {
    if (state !== this.state) {
      this.state = state;
      this.handlers.onState(state);
    }
  }
}
