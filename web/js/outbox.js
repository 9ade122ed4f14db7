// Messages written but not yet acknowledged, in the order they were written.
// Each keeps the client_id it was first sent with, so resending after a
// reconnect (or a reload of the tab) stores it at most once on the server.
import { session } from './session.js';

export function newClientId() {
  // crypto.randomUUID needs a secure context; getRandomValues does not.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return 'web-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class Outbox {
  constructor() {
    this.entries = session.loadOutbox();  // [{client_id, room_id, content, created_at}]
  }

  add(roomId, content) {
    const entry = { client_id: newClientId(), room_id: roomId, content, created_at: Date.now() };
    this.entries.push(entry);
    this.save();
    return entry;
  }

  find(clientId) {
    return this.entries.find((e) => e.client_id === clientId);
  }

  // Removes and returns the entry, or undefined when it was not there.
  take(clientId) {
    const at = this.entries.findIndex((e) => e.client_id === clientId);
    if (at < 0) return undefined;
    const [entry] = this.entries.splice(at, 1);
    this.save();
    return entry;
  }

  forRoom(roomId) {
    return this.entries.filter((e) => e.room_id === roomId);
  }

  save() {
    session.saveOutbox(this.entries);
  }
}

export function messageFrame(entry) {
  return { type: 'message', room_id: entry.room_id, content: entry.content, client_id: entry.client_id,
           ref: 'm:' + entry.client_id };
}
