// chatd's client SDK (docs/sdk.md): one ChatClient per signed-in user. It
// keeps one chat session up over a WebSocket (reconnecting with backoff and
// full jitter, as the server's server_restarting asks; the same session over
// HTTP long-polling meanwhile when the WebSocket cannot connect), resumes
// every joined room by seq after a reconnect, resends unacknowledged
// messages with their client_id (stored exactly once), refreshes the token
// before it expires, and hands out the server's events per room. No DOM:
// it needs only WebSocket and fetch (or the ones given), so it runs in
// browsers and in Node >= 20.
import { Connection } from './connection.js';
import { Backoff } from './backoff.js';
import { Calls } from './calls.js';
import { Emitter } from './emitter.js';
import { ChatError } from './errors.js';
import { HttpApi } from './http.js';
import { Outbox, messageFrame } from './outbox.js';
import { PollSocket } from './pollsocket.js';
import { Room } from './room.js';

export { ChatError } from './errors.js';
export { HttpApi } from './http.js';
export { newClientId } from './outbox.js';

// Refusals that may pass later: the message stays in the outbox and is sent
// again (same client_id) after this long.
const kRetryAfterMs = { rate_limited: 1000, unavailable: 2000 };
// A frame handler's answer for a message its room has had already.
const kRepeated = Symbol('repeated');
// Frames that change who is online in a room: its 'presence' event follows.
const kPresence = new Set(['online_users', 'user_joined', 'user_left']);

export class ChatClient extends Emitter {
  // options: url ('https://host'; '' in a page for its own origin), token or
  // getToken (async () => token; asked for each connection and before the
  // token expires), WebSocket (default globalThis.WebSocket), fetch (default
  // globalThis.fetch), outboxStorage ({load(), save(entries)}, default in
  // memory), backoff ({baseMs, capMs}, default 500 and 10000), pingEveryMs,
  // pongWithinMs, pollAfter (failed WebSocket attempts in a row before
  // long-polling, default 2; 0: never; the WebSocket is still tried and
  // taken back as soon as it connects).
  constructor(options) {
    super();
    const { url, token, getToken, WebSocket = globalThis.WebSocket, fetch = globalThis.fetch } = options;
    if (!getToken && !token) throw new TypeError('ChatClient needs a token or getToken');
    if (!WebSocket) throw new TypeError('no WebSocket: pass one (e.g. the ws package) as options.WebSocket');
    this.getToken = getToken || (() => token);
    this.token = token || null;  // the newest token
    this.user = null;  // from welcome
    this.rooms = new Map();  // id -> Room
    this.outbox = new Outbox(options.outboxStorage);
    this.waiting = new Map();  // client_id -> {resolve, reject}, for sends made by this instance
    this.retryTimers = new Set();
    this.calls = new Calls(this);
    this.pollAfter = options.pollAfter ?? 2;
    this.iceServers = [];  // welcome.ice_servers: the RTCConfiguration.iceServers for calls
    const base = url ?? globalThis.location?.origin ?? '';
    this.http = new HttpApi(base, () => this.token || this.freshToken(), fetch);
    this.lastState = 'closed';
    const { baseMs = 500, capMs = 10000 } = options.backoff || {};
    const origin = base.replace(/\/+$/, '');
    // The same session either way; the WebSocket's welcome ends long-polling.
    const session = (openSocket, handlers) => new Connection({
      openSocket,
      getToken: () => this.freshToken(),
      refreshable: Boolean(getToken),
      backoff: new Backoff(baseMs, capMs),
      pingEveryMs: options.pingEveryMs || 25000,
      pongWithinMs: options.pongWithinMs || 10000,
    }, {
      onWelcome: (frame) => this.welcome(frame),
      onFrame: (frame) => this.dispatch(frame),
      onState: () => this.stateChanged(),
      onAuthFailed: (reason) => this.authFailed(reason),
      onTokenError: (error) => this.emit('token_error', error),
      ...handlers,
    });
    this.websocket = session(() => new WebSocket(origin.replace(/^http/, 'ws') + '/ws'), {
      onWelcome: (frame) => {
        this.longPoll.stop();
        this.welcome(frame);
      },
      onRetry: (failures) => this.maybePoll(failures),
    });
    this.longPoll = session(() => new PollSocket(origin + '/api/v1/poll', fetch), {});
  }

  // 'connecting', 'connected', 'polling' (the session is over HTTP
  // long-polling: the WebSocket cannot connect) or 'closed'.
  get state() {
    return this.longPoll.ready ? 'polling' : this.websocket.state;
  }

  get polling() {
    return this.longPoll.ready;
  }

  // A session is up (over the WebSocket or long-polling).
  get connected() {
    return this.connection.ready;
  }

  // The Connection in use: long-polling's while it has a session.
  get connection() {
    return this.longPoll.ready ? this.longPoll : this.websocket;
  }

  // Starts the connection; resolves with the user at the first welcome,
  // rejects with ChatError 'unauthorized' if the token is refused. An
  // unreachable server is retried until close().
  connect() {
    const welcomed = new Promise((resolve, reject) => { this.settleConnect = { resolve, reject }; });
    this.websocket.start();
    return welcomed;
  }

  // Stops for good: the connection closes, sends still waiting reject with
  // 'closed' (their entries stay in the outbox storage).
  close() {
    this.longPoll.stop();
    this.websocket.stop();
    this.settleConnect?.reject(new ChatError('closed', 'the client was closed'));
    this.settleConnect = null;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    for (const waiter of this.waiting.values()) waiter.reject(new ChatError('closed', 'the client was closed'));
    this.waiting.clear();
  }

  // The network is back: reconnect now instead of after the backoff.
  reconnectNow() {
    this.websocket.retryNow();
    this.longPoll.retryNow();
  }

  room(id) {
    let room = this.rooms.get(id);
    if (!room) {
      room = new Room(this, id);
      this.rooms.set(id, room);
    }
    return room;
  }

  // Any client message with a fresh ref: resolves with its reply, rejects
  // with ChatError (the server's code, or 'offline').
  request(frame) {
    return this.connection.request(frame);
  }

  // Room.send's work: queued in the outbox, sent now if connected, resent
  // on every reconnect until acknowledged.
  post(roomId, content, clientId, media) {
    const entry = this.outbox.add(roomId, content, clientId, media);
    const acked = new Promise((resolve, reject) => this.waiting.set(entry.client_id, { resolve, reject }));
    this.connection.send(messageFrame(entry));
    return acked;
  }

  // Uploads a file (POST /api/v1/files?name=): resolves with {id, name, size,
  // content_type, sha256, url}. options: name, contentType, onProgress, signal (HttpApi.upload).
  upload(data, options) {
    return this.http.upload(data, options);
  }

  async freshToken() {
    this.token = await this.getToken();
    return this.token;
  }

  // Every (re)connection: resume the rooms joined before from their last
  // seq (one sync), join those never joined yet, then resend whatever was
  // not acknowledged.
  welcome(frame) {
    this.user = frame.user;
    this.iceServers = Array.isArray(frame.ice_servers) ? frame.ice_servers : [];
    const resume = {};
    for (const room of this.rooms.values()) {
      if (!room.wanted) continue;
      if (room.lastSeq !== null) resume[room.id] = room.lastSeq;
      else room.join().catch(() => {});  // its error frame is an 'error' event too
    }
    if (Object.keys(resume).length > 0) this.connection.send({ type: 'sync', rooms: resume, ref: 'sync' });
    for (const entry of this.outbox.entries) this.connection.send(messageFrame(entry));
    this.settleConnect?.resolve(this.user);
    this.settleConnect = null;
    this.emit('welcome', frame);
  }

  // Each new state is a new session, or none: no room is joined on it yet.
  stateChanged() {
    const state = this.state;
    if (state === this.lastState) return;
    this.lastState = state;
    for (const room of this.rooms.values()) room.joined = false;
    this.emit('state', state);
  }

  // The WebSocket failed `failures` times in a row: open the session over
  // long-polling (state 'polling' from its welcome) until the WebSocket connects.
  maybePoll(failures) {
    if (this.pollAfter > 0 && failures >= this.pollAfter && this.longPoll.stopped) this.longPoll.start();
  }

  authFailed(reason) {
    const error = new ChatError('unauthorized', reason, { status: 401 });
    this.settleConnect?.reject(error);
    this.settleConnect = null;
    this.emit('auth_failed', error);
    this.close();
  }

  // A server frame: the client's own bookkeeping first, then the events
  // 'frame' (every frame), its type on the client, and its type on its room
  // (with frame.data when it has data, else the frame), then the room's
  // 'presence' (who is online now) when that changed.
  dispatch(frame) {
    const room = typeof frame.room_id === 'number' ? this.room(frame.room_id) : null;
    const handler = kHandlers[frame.type];
    const repeated = handler && handler(this, frame, room) === kRepeated;
    this.emit('frame', frame);
    this.emit(frame.type, frame);
    this.calls.received(frame);
    if (!room || repeated) return;
    room.emit(frame.type, frame.data ?? frame, frame);
    if (kPresence.has(frame.type)) room.emit('presence', [...room.online.values()]);
  }

  // My message is stored: take it from the outbox, settle its promise, and
  // tell listeners ('sent', with the message as stored and the outbox entry).
  sent(clientId, message) {
    const entry = this.outbox.take(clientId);
    if (!entry) return;
    this.waiting.get(clientId)?.resolve(message);
    this.waiting.delete(clientId);
    this.emit('sent', message, entry);
  }

  // The server refused my message: retry what may pass later, give back the
  // rest. 'send_error' tells listeners either way ({entry, error, retrying}).
  sendFailed(clientId, frame) {
    const entry = this.outbox.find(clientId);
    if (!entry) return;
    const error = ChatError.fromFrame(frame);
    const retryAfterMs = kRetryAfterMs[frame.code];
    if (retryAfterMs) {
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        if (this.outbox.find(clientId)) this.connection.send(messageFrame(entry));
      }, retryAfterMs);
      this.retryTimers.add(timer);
    } else {
      this.outbox.take(clientId);
      this.waiting.get(clientId)?.reject(error);
      this.waiting.delete(clientId);
    }
    this.emit('send_error', { entry, error, retrying: Boolean(retryAfterMs) });
  }

  async refreshToken() {
    try {
      await this.request({ type: 'auth', token: await this.freshToken() });
    } catch (error) {
      this.emit('token_error', error);  // the session ends at the expiry and reconnects with a new token
    }
  }
}

const kHandlers = {
  joined(client, frame, room) {
    room.joinedAt(frame.last_seq);
  },

  message(client, frame, room) {
    const message = frame.data;
    const isNew = room.received(message.seq);
    // My own message in a replay: its ack was lost with the old connection.
    if (client.user && message.user_id === client.user.id && message.client_id) client.sent(message.client_id, message);
    return isNew ? undefined : kRepeated;
  },

  ack(client, frame, room) {
    room.received(frame.seq);
    const entry = client.outbox.find(frame.client_id);
    if (!entry) return;
    const { id, username, nickname, avatar_url: avatarUrl } = client.user;
    const user = avatarUrl ? { id, username, nickname, avatar_url: avatarUrl } : { id, username, nickname };
    const message = {
      id: frame.id, seq: frame.seq, user_id: id, user, kind: entry.kind || 'text',
      content: entry.content, client_id: frame.client_id, created_at: frame.created_at,
      delivered_count: frame.delivered_count ?? 0, read_count: frame.read_count ?? 0,
    };
    if (entry.attachments) message.attachments = entry.attachments;
    client.sent(frame.client_id, message);
  },

  online_users(client, frame, room) {
    room.online = new Map(frame.data.users.map((user) => [user.id, user]));
  },

  user_joined(client, frame, room) {
    room.online.set(frame.data.user.id, frame.data.user);
  },

  user_left(client, frame, room) {
    room.online.delete(frame.data.user.id);
  },

  messages_trimmed(client, frame, room) {
    room.trimmedThrough(frame.data.to_seq);
  },

  left(client, frame, room) {
    room.joined = false;
    if (frame.reason) room.wanted = false;  // the membership ended, or the room is gone
  },

  error(client, frame, room) {
    if (typeof frame.ref === 'string' && frame.ref.startsWith('m:')) client.sendFailed(frame.ref.slice(2), frame);
    else if (room && frame.ref === undefined) room.joined = false;  // a room of a sync that could not be joined
  },

  token_expiring(client) {
    if (client.connection.options.refreshable) client.refreshToken();
  },
};
