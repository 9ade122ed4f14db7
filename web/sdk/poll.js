// HTTP long-polling, while the WebSocket cannot connect (say, a proxy blocks
// it): each wanted room's new messages by GET .../messages?after=SEQ&wait=S
// (docs/protocol.md, "Messages over HTTP"), handed to the client as the
// `message` frames the WebSocket would bring, and the outbox posted by
// POST .../messages with each entry's client_id (stored once, whichever
// way it goes). Messages only: edits, reactions, typing, presence and calls
// need the WebSocket. Made by ChatClient; started and stopped by it. It is
// `live` from the first answer it gets until a request cannot reach the
// server (then it probes GET /api/v1/me until one can).

import { messageBody } from './outbox.js';

const kWaitS = 25;
const kRetryMs = 2000;
const kPage = 100;
// Refusals a message may pass later: it stays in the outbox.
const kRetryable = new Set(['network', 'rate_limited', 'unavailable', 'overloaded']);

export class Poller {
  constructor(client) {
    this.client = client;
    this.running = false;
    this.live = false;
    this.probing = false;
    this.polled = new Set();  // ids of the rooms with a poll loop
    this.posting = new Set();  // client_ids being posted
  }

  start() {
    if (this.running) return;
    this.running = true;
    this.probe();
  }

  // Polls in flight finish on their own (within kWaitS); what they bring
  // after the WebSocket's resume is a repeat, which the rooms ignore.
  stop() {
    this.running = false;
    this.live = false;
  }

  async probe() {
    if (this.probing) return;
    this.probing = true;
    while (this.running && !this.live) {
      try {
        await this.client.http.request('GET', '/api/v1/me');
        if (this.running) this.setLive(true);
      } catch (error) {
        if (error.status === 401) {
          this.client.authFailed(error.message);
          break;
        }
        await sleep(kRetryMs);
      }
    }
    this.probing = false;
  }

  setLive(live) {
    if (this.live === live) return;
    this.live = live;
    this.client.emit('state', this.client.state);
    if (!live) {
      this.probe();
      return;
    }
    for (const room of this.client.rooms.values()) if (room.wanted) this.watch(room);
    this.flush();
  }

  async watch(room) {
    if (!this.live || this.polled.has(room.id)) return;
    this.polled.add(room.id);
    const http = this.client.http;
    while (this.live && room.wanted) {
      try {
        if (room.lastSeq === null) {
          room.startAt((await http.request('GET', `/api/v1/rooms/${room.id}/messages?limit=1`)).last_seq);
          continue;
        }
        const page = await http.request('GET',
          `/api/v1/rooms/${room.id}/messages?after=${room.lastSeq}&limit=${kPage}&wait=${kWaitS}`);
        if (!this.live) break;
        if (page.first_seq > room.lastSeq + 1) room.trimmedThrough(page.first_seq - 1);
        for (const message of page.messages) this.client.dispatch({ type: 'message', room_id: room.id, data: message });
      } catch (error) {
        if (error.status === 401) {
          this.client.authFailed(error.message);
          break;
        }
        if (error.code === 'network' && this.live) this.setLive(false);
        else if (error.status === 404 || error.status === 403) room.wanted = false;  // no longer mine
        else await sleep(kRetryMs);
      }
    }
    this.polled.delete(room.id);
  }

  // Posts every outbox entry not being posted already.
  flush() {
    for (const entry of this.client.outbox.entries) this.post(entry);
  }

  async post(entry) {
    if (!this.live || this.posting.has(entry.client_id)) return;
    this.posting.add(entry.client_id);
    try {
      const { message } = await this.client.http.request('POST', `/api/v1/rooms/${entry.room_id}/messages`,
                                                         messageBody(entry));
      this.client.sent(entry.client_id, message);
    } catch (error) {
      if (!kRetryable.has(error.code)) {
        this.client.sendFailed(entry.client_id, { type: 'error', code: error.code, message: error.message });
      } else {
        setTimeout(() => { if (this.client.outbox.find(entry.client_id)) this.post(entry); }, kRetryMs);
      }
    } finally {
      this.posting.delete(entry.client_id);
    }
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
