// Messages written but not yet acknowledged, in the order they were written.
// Each keeps the client_id it was first sent with, so resending it after a
// reconnect (or, with a storage that outlives the page, a reload) stores it
// at most once on the server.

// A fresh client_id. crypto.randomUUID needs a secure context in browsers;
// getRandomValues does not.
export function newClientId() {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return 'sdk-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// Keeps nothing beyond the process.
export const memoryStorage = { load: () => [], save: () => {} };

export class Outbox {
  // storage: {load() -> entries, save(entries)}.
  constructor(storage = memoryStorage) {
    this.storage = storage;
    this.entries = storage.load();  // [{client_id, room_id, content, created_at}]
  }

  add(roomId, content, clientId = newClientId()) {
    const entry = { client_id: clientId, room_id: roomId, content, created_at: Date.now() };
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
    this.storage.save(this.entries);
  }
}

export function messageFrame(entry) {
  return { type: 'message', room_id: entry.room_id, content: entry.content, client_id: entry.client_id,
           ref: 'm:' + entry.client_id };
}
