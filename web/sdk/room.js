// One room as the client sees it: its events (the server's frames about it),
// the newest seq received without a gap (what a resume asks from), whether
// it is joined on the current connection, who is online, and the requests
// about it. Made
// by ChatClient.room(); the client resumes every room joined once after
// each reconnect.
import { Emitter } from './emitter.js';

// Receipts spend the user's message budget (--rate) as every client message does:
// one per room every 2 s leaves it to the messages.
const kReceiptDelayMs = 2000;

export class Room extends Emitter {
  constructor(client, id) {
    super();
    this.client = client;
    this.id = id;
    this.lastSeq = null;  // null until the room is first joined
    this.seen = new Set();  // seqs received above lastSeq, waiting for the gap below them
    this.wanted = false;  // joined once: resumed on every connection
    this.joined = false;  // joined on the current connection
    this.online = new Map();  // user id -> user, from online_users, user_joined, user_left
    this.confirmed = 0;  // the seq my last `received` confirmed
    this.receiptTimer = null;
  }

  // Subscribes to the room's events, resuming from lastSeq when it has one
  // (the missed messages arrive as 'message' events first). Resolves with
  // the `joined` frame.
  join() {
    this.wanted = true;
    const frame = { type: 'join_room', room_id: this.id };
    if (this.lastSeq !== null) frame.since = this.lastSeq;
    return this.client.request(frame);
  }

  // Stops the room's events on this connection and after reconnects (the
  // user stays a member).
  leave() {
    this.wanted = false;
    return this.client.request({ type: 'leave_room', room_id: this.id });
  }

  // Sends a message, now or once connected; resolves with the stored message
  // (id, seq, created_at...) once acknowledged, exactly once whatever the
  // reconnects. options.clientId: the client_id to use (default: a fresh one).
  send(content, { clientId } = {}) {
    return this.client.post(this.id, content, clientId);
  }

  // A page of messages, oldest first: {messages, has_more, first_seq}. At
  // most one of before and after (seqs, exclusive); neither: the newest.
  async history({ before, after, limit } = {}) {
    const frame = { type: 'history', room_id: this.id };
    if (before !== undefined) frame.before = before;
    if (after !== undefined) frame.after = after;
    if (limit !== undefined) frame.limit = limit;
    const reply = await this.client.request(frame);
    return { messages: reply.messages, has_more: reply.has_more, first_seq: reply.first_seq };
  }

  // Tells the room I am typing (or stopped). Best effort: false when not
  // connected; nothing is answered.
  typing(on = true) {
    return this.client.connection.send({ type: 'typing', room_id: this.id, typing: on, ref: 'typing' });
  }

  // Moves my read mark to seq; resolves with the mark as stored ({user_id, seq}).
  async read(seq) {
    return (await this.client.request({ type: 'read', room_id: this.id, seq })).data;
  }

  async edit(messageId, content) {
    return (await this.client.request({ type: 'edit', room_id: this.id, id: messageId, content })).data;
  }

  async delete(messageId) {
    return (await this.client.request({ type: 'delete', room_id: this.id, id: messageId })).data;
  }

  // Toggles my emoji on a message: resolves with {id, seq, user_id, emoji, count}.
  async react(messageId, emoji) {
    return (await this.client.request({ type: 'react', room_id: this.id, id: messageId, emoji })).data;
  }

  // Notes a seq received; lastSeq advances over every seq held without a
  // gap. False when the seq was received before.
  received(seq) {
    if (this.lastSeq === null) return true;
    if (seq <= this.lastSeq || this.seen.has(seq)) return false;
    this.seen.add(seq);
    this.advance();
    this.confirmReceipt();
    return true;
  }

  // Confirms receipt up to lastSeq (`received`: what senders' delivered
  // counts count), at most one frame per room every kReceiptDelayMs; best
  // effort, like typing (a frame lost with a connection is sent again with
  // the next message).
  confirmReceipt() {
    if (this.receiptTimer !== null || this.lastSeq === null || this.lastSeq <= this.confirmed) return;
    this.receiptTimer = setTimeout(() => {
      this.receiptTimer = null;
      const seq = this.lastSeq;
      if (seq > this.confirmed && this.client.connection.send({ type: 'received', room_id: this.id, seq, ref: 'received' })) {
        this.confirmed = seq;
      }
    }, kReceiptDelayMs);
  }

  // The server deleted the messages up to seq (messages_trimmed): they are
  // no gap to resume from.
  trimmedThrough(seq) {
    if (this.lastSeq !== null && this.lastSeq < seq) this.lastSeq = seq;
    this.advance();
  }

  // A `joined` frame: a first join starts counting at the room's newest seq.
  joinedAt(lastSeq) {
    this.joined = true;
    this.wanted = true;
    if (this.lastSeq === null) this.lastSeq = lastSeq;
    this.advance();
  }

  advance() {
    if (this.lastSeq === null) return;
    for (const seq of this.seen) if (seq <= this.lastSeq) this.seen.delete(seq);
    while (this.seen.delete(this.lastSeq + 1)) this.lastSeq += 1;
  }
}
