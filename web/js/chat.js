// The signed-in client: owns the room model and the SDK's ChatClient (the
// connection, the outbox, resumes), and turns what the user does into API
// calls and chat messages. Server frames are applied by frames.js. One
// instance for the page; start() and stop() bracket a signed-in session.
import { ChatClient, newClientId } from '../sdk/chatd.js';
import { Rooms } from './rooms.js';
import { session } from './session.js';
import { applyFrame } from './frames.js';
import { History } from './history.js';
import { CallController } from './calls.js';
import { showConnection } from './views/statusView.js';
import { showError } from './views/errorView.js';
import { renderRoomList } from './views/roomListView.js';
import { renderOnline } from './views/onlineView.js';
import { watchOnlineCount } from './views/onlineCountView.js';
import { renderTyping } from './views/typingView.js';
import { MessageListView } from './views/messageListView.js';
import { Composer } from './views/composer.js';
import { wireSidebar } from './views/sidebar.js';
import { fullTime } from './format.js';

const kTypingEveryMs = 3000;
const kRoomKey = 'chatd.room';

export class Chat {
  // onSignedOut(reason, token): the session of `token` ended (logout, or the
  // server refused the token).
  constructor(api, onSignedOut) {
    this.api = api;
    this.onSignedOut = onSignedOut;
    this.client = null;
    this.history = new History(this);
    this.calls = new CallController(this);
    this.messages = new MessageListView({
      onWantOlder: () => this.history.loadOlder(),
      onEdit: (seq, content) => this.change((room, id) => room.live.edit(id, content), seq),
      onDelete: (seq) => this.change((room, id) => room.live.delete(id), seq),
      onReact: (seq, emoji) => this.change((room, id) => room.live.react(id, emoji), seq),
    });
    this.composer = new Composer((text) => this.send(text), () => this.typed());
    this.sidebar = wireSidebar();
    document.getElementById('create-room-form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.createRoom(e.target);
    });
    document.getElementById('direct-form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.directByName(e.target);
    });
    document.getElementById('logout').addEventListener('click', () => this.logout());
    document.addEventListener('visibilitychange', () => this.markRead(0));
    window.addEventListener('pagehide', () => this.flushReads());
    window.addEventListener('focus', () => { if (this.client) this.refreshRooms(); });
    // The browser knows the network is back (or gone) before the client does.
    window.addEventListener('online', () => this.client?.reconnectNow());
    window.addEventListener('offline', () => { if (this.client && !this.client.connected) showConnection('offline'); });
  }

  // The token the tabs share (session.js), for each connection and when the
  // server says it expires soon: renewed for every tab once under two
  // minutes are left; a failed renewal keeps the old one until it fails.
  async currentToken() {
    if (session.token && session.expiresWithin(120)) {
      try {
        const renewed = await this.api.refreshToken();
        session.signIn(renewed.token, renewed.user);
      } catch {
        // the connection that uses it says what went wrong
      }
    }
    return session.token;
  }

  // The token is the one the tabs share (session.js), read for each connection.
  async start(me) {
    this.me = me;
    const client = new ChatClient({
      url: location.origin,
      getToken: () => this.currentToken(),
      outboxStorage: { load: () => session.loadOutbox(), save: (entries) => session.saveOutbox(entries) },
    });
    this.client = client;
    this.rooms = new Rooms(client);
    this.calls.attach(client);
    this.users = new Map([[me.username.toLowerCase(), me]]);  // everyone seen, by lowercased name
    this.openId = null;
    this.welcomed = false;
    this.lastTypingSent = 0;
    const meNode = document.getElementById('me');
    meNode.textContent = me.nickname || me.username;
    meNode.hidden = false;
    document.getElementById('logout').hidden = false;
    this.onlineCount = watchOnlineCount(this.api);
    client.on('welcome', (frame) => this.welcome(frame));
    client.on('frame', (frame) => applyFrame(this, frame));
    client.on('sent', (message, entry) => this.sent(message, entry));
    client.on('send_error', ({ entry, error, retrying }) => this.messageFailed(entry, error, retrying));
    client.on('state', (state) => this.showState(state));
    client.on('auth_failed', (error) => this.end(`Signed out: ${error.message}`));
    await this.refreshRooms();
    if (this.client !== client) return;  // signed out meanwhile
    const saved = Number(sessionStorage.getItem(kRoomKey));
    const lobby = this.rooms.all().find((r) => r.name === 'lobby' && r.kind === 'public');
    const first = this.rooms.get(saved) || lobby || this.rooms.all()[0];
    if (first) this.open(first.id);
    client.connect().catch(() => {});  // a refusal is auth_failed
  }

  stop() {
    this.onlineCount?.stop();
    this.onlineCount = null;
    this.calls.detach();
    if (this.client) this.client.close();
    this.client = null;
    this.messages.clearAll();
    this.composer.enable(false);
    document.getElementById('room-list').replaceChildren();
    document.getElementById('online-list').replaceChildren();
    document.getElementById('typing').textContent = '';
    document.getElementById('me').hidden = true;
    document.getElementById('logout').hidden = true;
  }

  end(reason) {
    const token = this.client?.token;
    this.stop();
    this.onSignedOut(reason, token);
  }

  async logout() {
    try {
      await this.api.logout();
    } catch {
      // Signing out locally is what matters; the token expires anyway.
    }
    this.end('');
  }

  // connecting is 'reconnecting' on the page, or 'offline' while the browser
  // is; polling is the same session over HTTP (the WebSocket is blocked).
  showState(state) {
    if (state === 'connected' || state === 'polling') showConnection(state);
    else if (state === 'closed' || navigator.onLine === false) showConnection('offline');
    else showConnection('reconnecting');
  }

  // Every (re)connection: the client has resumed the rooms joined before and
  // resent what was not acknowledged; join the rest of mine.
  welcome(frame) {
    this.onlineCount?.read();
    const reconnect = this.welcomed;
    this.welcomed = true;
    this.me = frame.user;
    for (const room of this.rooms.all()) {
      if (!room.live.wanted && (room.role || room.id === this.openId)) this.join(room);
    }
    if (reconnect) this.refreshRooms();
  }

  join(room) {
    room.live.join().catch((error) => { if (error.code !== 'offline') showError(error.code, error.message); });
  }

  async refreshRooms() {
    const client = this.client;
    try {
      const list = await this.api.rooms();
      if (this.client !== client) return;  // signed out (or in again) meanwhile
      this.rooms.merge(list);
      for (const info of list) {
        const room = this.rooms.get(info.id);
        if (!room.joined) room.unread = info.unread;
        if (room.role && !room.live.wanted && this.client.connected) this.join(room);
      }
      this.renderRooms();
    } catch (error) {
      if (this.client !== client) return;
      if (error.status === 401) this.end(`Signed out: ${error.message}`);
      else showError(error.code, error.message);
    }
  }

  open(roomId) {
    const room = this.rooms.get(roomId);
    if (!room) return;
    this.openId = roomId;
    sessionStorage.setItem(kRoomKey, String(roomId));
    room.openedWithUnread(room.unread);
    room.unread = 0;
    document.getElementById('room-title').textContent = room.title(this.me);
    document.getElementById('room-topic').textContent = room.topic;
    this.showMessages(room);
    this.renderRooms();
    this.renderPresence(room);
    if (room.kind === 'direct') this.loadPeer(room);
    this.calls.roomShown(room);
    this.composer.enable(true);
    this.sidebar.close();
    if (!this.client.connected) return;  // welcome() joins it
    if (!room.joined) this.join(room);
    else if (!room.historyLoaded) this.history.load(room);
    else this.markRead(0);
  }

  openRoom() {
    return this.openId === null ? undefined : this.rooms.get(this.openId);
  }

  showMessages(room) {
    this.messages.show(this.me, room.historyLoaded ? room.sortedMessages() : [], this.client.outbox.forRoom(room.id),
                       { loaded: room.historyLoaded, unreadAfter: room.unreadAfter ?? null });
    this.messages.setHasOlder(room.historyLoaded && room.hasOlder);
  }

  // Edits, deletes or reacts to a message of the open room; the server's
  // event (to every tab, this one included) redraws it.
  change(request, seq) {
    const room = this.openRoom();
    const message = room?.messages.get(seq);
    if (!message) return;
    request(room, message.id).catch((error) => showError(error.code, error.message));
  }

  putMessage(room, message) {
    if (message.user) this.remember(message.user);
    return room.put(message);
  }

  remember(user) {
    this.users.set(user.username.toLowerCase(), user);
  }

  send(text) {
    const room = this.openRoom();
    if (!room) return;
    const clientId = newClientId();
    room.live.send(text, { clientId }).catch(() => {});  // 'sent' and 'send_error' tell the page
    this.messages.upsert(this.client.outbox.find(clientId), 'pending');
    if (this.lastTypingSent) {
      room.live.typing(false);
      this.lastTypingSent = 0;
    }
  }

  // My message is stored (acknowledged, or found in a resume's replay).
  sent(message, entry) {
    const room = this.rooms.get(entry.room_id);
    if (!room) return;
    const shown = room.messages.get(message.seq) || message;
    room.put(shown);
    if (room.id === this.openId) {
      this.messages.upsert(shown, 'sent');
      this.markRead();
    }
  }

  // A message the server refused: the client retries what may pass later;
  // the rest goes back to the composer.
  messageFailed(entry, error, retrying) {
    showError(error.code, error.message);
    if (retrying) return;
    this.messages.removePending(entry.client_id);
    if (entry.room_id === this.openId) this.composer.restore(entry.content);
  }

  typed() {
    const room = this.openRoom();
    const now = Date.now();
    if (!room || !room.joined || now - this.lastTypingSent < kTypingEveryMs) return;
    if (room.live.typing(true)) this.lastTypingSent = now;
  }

  // Moves my read mark in the open room to its newest message: at once when
  // the room is opened, a moment later for live messages (one read for a
  // burst). Per room, so switching rooms does not cancel it; a page being
  // left sends what is still waiting (flushReads).
  markRead(delayMs = 300) {
    const room = this.openRoom();
    if (!room || document.visibilityState !== 'visible') return;
    clearTimeout(room.readTimer);
    room.readTimer = null;
    if (delayMs === 0) this.sendRead(room);
    else room.readTimer = setTimeout(() => this.sendRead(room), delayMs);
  }

  sendRead(room) {
    room.readTimer = null;
    if (!room.joined || !room.lastSeq || room.readSent >= room.lastSeq) return;
    room.live.read(room.lastSeq).catch(() => {});  // best effort: the next read moves the mark
    room.readSent = room.lastSeq;
  }

  flushReads() {
    if (!this.client) return;
    for (const room of this.rooms.all()) {
      if (room.readTimer === null || room.readTimer === undefined) continue;
      clearTimeout(room.readTimer);
      this.sendRead(room);
    }
  }

  async createRoom(form) {
    const name = form.elements['room-name'].value.trim();
    if (!name) return;
    const client = this.client;
    try {
      const room = await this.api.createRoom(name, form.elements['room-kind'].value);
      if (this.client !== client) return;
      form.reset();
      this.rooms.merge([room]);
      this.open(room.id);
    } catch (error) {
      showError(error.code, error.message);
    }
  }

  async directByName(form) {
    const name = form.elements['direct-username'].value.trim();
    const user = this.users.get(name.toLowerCase());
    if (!user) {
      showError('not_found', `No user "${name}" seen yet: pick someone from the online list or a message author.`);
      return;
    }
    if (user.id === this.me.id) {
      showError('bad_request', 'That is you.');
      return;
    }
    form.reset();
    await this.openDirect(user);
  }

  async openDirect(user) {
    const client = this.client;
    try {
      const room = await this.api.direct(user.id);
      if (this.client !== client) return;
      this.rooms.merge([room]);
      this.open(room.id);
    } catch (error) {
      showError(error.code, error.message);
    }
  }

  renderRooms() {
    renderRoomList(this.rooms.all(), this.openId, this.me, (id) => this.open(id));
  }

  renderPresence(room) {
    if (room.id !== this.openId) return;
    renderOnline([...room.online.values()], this.me, (user) => this.openDirect(user));
    renderTyping([...room.typing.values()].map((t) => t.user));
    this.renderPeer(room);
  }

  // A direct chat's other member, for "online" / "last seen" under its title.
  async loadPeer(room) {
    try {
      const peer = (await this.api.members(room.id, 2)).find((m) => m.user.id !== this.me.id);
      if (!peer) return;
      room.peer = { id: peer.user.id, lastSeenAt: peer.last_seen_at, wasOnline: room.online.has(peer.user.id) };
      this.renderPeer(room);
    } catch {
      // Only the "last seen" line is missing: the chat itself works.
    }
  }

  renderPeer(room) {
    const peer = room.peer;
    if (!peer || room.id !== this.openId) return;
    const online = room.online.has(peer.id);
    if (peer.wasOnline && !online) peer.lastSeenAt = Date.now();  // just left
    peer.wasOnline = online;
    const text = online ? 'online' : peer.lastSeenAt ? `last seen ${fullTime(peer.lastSeenAt)}` : '';
    document.getElementById('room-topic').textContent = text;
  }
}
