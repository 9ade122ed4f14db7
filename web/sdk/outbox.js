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
    this.entries = storage.load();  // [{client_id, room_id, content, created_at, kind?, attachments?}]
  }

  // media: {kind, attachments} for a message with files (Room.send).
  add(roomId, content, clientId = newClientId(), media = {}) {
    const entry = { client_id: clientId, room_id: roomId, content, created_at: Date.now() };
    if (media.kind && media.kind !== 'text') Object.assign(entry, { kind: media.kind, attachments: media.attachments });
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

// The attachment fields a client sends; the server adds size, content_type and url.
const kSentAttachmentFields = ['file_id', 'name', 'width', 'height', 'duration_ms'];

export function messageFrame(entry) {
  const frame = { type: 'message', room_id: entry.room_id, content: entry.content, client_id: entry.client_id,
                  ref: 'm:' + entry.client_id };
  if (!entry.kind) return frame;
  frame.kind = entry.kind;
  frame.attachments = entry.attachments.map((a) => Object.fromEntries(
    kSentAttachmentFields.filter((field) => a[field] !== undefined).map((field) => [field, a[field]])));
  return frame;
}
