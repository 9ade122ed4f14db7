// What the page knows of each room: its messages by seq, the unread count
// and who is typing, beside the SDK's Room (`live`: the seq a resume asks
// from, whether it is joined, who is online). Plain data; the views draw it.

export class Room {
  constructor(info, live) {
    this.id = info.id;
    this.live = live;
    this.update(info);
    this.unread = info.unread || 0;
    this.messages = new Map();  // seq -> message data (docs/protocol.md)
    this.historyLoaded = false;
    this.hasOlder = true;
    this.firstSeq = 1;  // the oldest seq the server still holds (--history-max)
    this.typing = new Map();  // user id -> {user, timer}
  }

  // The newest seq received without a gap (null until first joined).
  get lastSeq() {
    return this.live.lastSeq;
  }

  // Joined on the current connection.
  get joined() {
    return this.live.joined;
  }

  // User id -> user.
  get online() {
    return this.live.online;
  }

  update(info) {
    this.name = info.name;
    this.kind = info.kind;
    this.role = info.role;
    this.topic = info.topic || '';
  }

  // Adds or replaces a message. Returns true when the seq was new.
  put(message) {
    const isNew = !this.messages.has(message.seq);
    this.messages.set(message.seq, message);
    return isNew;
  }

  // The server deleted the messages up to `seq` (messages_trimmed, or a
  // page's first_seq): no older page exists.
  trimmedThrough(seq) {
    this.firstSeq = Math.max(this.firstSeq, seq + 1);
  }

  oldestSeq() {
    let oldest = null;
    for (const seq of this.messages.keys()) if (oldest === null || seq < oldest) oldest = seq;
    return oldest;
  }

  sortedMessages() {
    return [...this.messages.values()].sort((a, b) => a.seq - b.seq);
  }

  // The other user's name for a direct room ("ann & bob" seen by ann: "bob").
  title(me) {
    if (this.kind !== 'direct' || !me) return this.name;
    const names = this.name.split(' & ').filter((n) => n !== me.username);
    return names.length === 1 ? names[0] : this.name;
  }
}

export class Rooms {
  // client: the ChatClient whose rooms these are.
  constructor(client) {
    this.client = client;
    this.byId = new Map();
  }

  // Merges the API's room list (names, kinds and roles; counts stay live).
  merge(list) {
    for (const info of list) {
      const room = this.byId.get(info.id);
      if (room) room.update(info);
      else this.byId.set(info.id, new Room(info, this.client.room(info.id)));
    }
  }

  get(id) {
    return this.byId.get(id);
  }

  all() {
    const order = { public: 0, private: 1, direct: 2 };
    return [...this.byId.values()].sort((a, b) => order[a.kind] - order[b.kind] || a.name.localeCompare(b.name));
  }
}

export function displayName(user) {
  return user.nickname || user.username;
}
