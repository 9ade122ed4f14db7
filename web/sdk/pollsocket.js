// The WebSocket API (as much as Connection uses) over chatd's HTTP
// long-polling (docs/protocol.md, "Long-polling"), for when a proxy refuses
// the upgrade. A poll session is a chat session like a WebSocket's, so the
// texts sent and received are the same frames:
//   POST   {url}           opens the session (no token: the first frame sent
//                          is the `auth` message, as on the WebSocket)
//   GET    {url}/ID?wait=S the frames received since the last GET, one loop
//   POST   {url}/ID        one frame sent; one at a time, in the order sent
//   DELETE {url}/ID        close()
// A network failure ends it with 1006 and a session the server no longer
// has with 4404: onclose either way, as a dropped WebSocket reports.

const kConnecting = 0;
const kOpen = 1;
const kClosing = 2;
const kClosed = 3;
const kWaitS = 25;
const kNoSession = 4404;
const kAbnormal = 1006;

export class PollSocket {
  static CONNECTING = kConnecting;
  static OPEN = kOpen;
  static CLOSING = kClosing;
  static CLOSED = kClosed;

  // url: the poll endpoint ('https://host/api/v1/poll'); fetchImpl: fetch.
  constructor(url, fetchImpl = globalThis.fetch) {
    this.url = url;
    this.fetch = (...args) => fetchImpl(...args);  // a browser's fetch refuses another `this`
    this.readyState = kConnecting;
    this.sessionUrl = null;
    this.sending = Promise.resolve();  // the last POST queued: each waits for the one before
    this.onopen = this.onmessage = this.onclose = this.onerror = null;
    this.open();
  }

  // Queues a text frame; frames are posted one at a time, in order.
  send(text) {
    if (this.readyState === kConnecting) throw new Error('PollSocket is not open yet');
    if (this.readyState !== kOpen) return;
    this.sending = this.sending.then(() => this.post(text));
  }

  // Frames still queued are dropped; the session is deleted after the POST in flight.
  close(code = 1000, reason = '') {
    if (this.readyState >= kClosing) return;
    const wasOpen = this.readyState === kOpen;
    this.readyState = kClosing;
    if (wasOpen) this.sending = this.sending.then(() => this.call('DELETE', this.sessionUrl).catch(() => {}));
    this.finish(code, reason);
  }

  async open() {
    let session;
    try {
      ({ session } = await (await this.call('POST', this.url)).json());
    } catch (error) {
      this.fail(error);
      return;
    }
    this.sessionUrl = `${this.url}/${session}`;
    if (this.readyState !== kConnecting) {
      this.call('DELETE', this.sessionUrl).catch(() => {});  // closed while opening
      return;
    }
    this.readyState = kOpen;
    this.onopen?.({});
    this.receive();
  }

  async receive() {
    while (this.readyState === kOpen) {
      let frames, close;
      try {
        ({ frames, close } = await (await this.call('GET', `${this.sessionUrl}?wait=${kWaitS}`)).json());
      } catch (error) {
        this.fail(error);
        return;
      }
      for (const frame of frames) {
        if (this.readyState !== kOpen) return;
        // A handler that throws does not stop the loop (reported as a WebSocket's would be).
        try {
          this.onmessage?.({ data: JSON.stringify(frame) });
        } catch (error) {
          queueMicrotask(() => { throw error; });
        }
      }
      if (close) this.finish(close.code, close.reason);
    }
  }

  async post(text) {
    if (this.readyState !== kOpen) return;
    try {
      await this.call('POST', this.sessionUrl, text);
    } catch (error) {
      this.fail(error);
    }
  }

  // Resolves with the response when it is a success; rejects with an Error
  // carrying the status (0: the server could not be reached) otherwise.
  async call(method, url, body) {
    const headers = body === undefined ? {} : { 'Content-Type': 'application/json' };
    let response;
    try {
      response = await this.fetch(url, { method, headers, body });
    } catch {
      throw httpError(0);
    }
    if (!response.ok) {
      response.body?.cancel().catch(() => {});  // the connection is free for the next request
      throw httpError(response.status);
    }
    return response;
  }

  fail({ status = 0, message }) {
    if (this.readyState === kClosed) return;
    this.onerror?.({});
    this.finish(status === 404 ? kNoSession : kAbnormal, message);
  }

  finish(code, reason) {
    if (this.readyState === kClosed) return;
    this.readyState = kClosed;
    this.onclose?.({ code, reason, wasClean: code === 1000 });
  }
}

function httpError(status) {
  return Object.assign(new Error(status ? `HTTP ${status}` : 'cannot reach the server'), { status });
}
