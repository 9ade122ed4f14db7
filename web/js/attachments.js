// The files waiting to go with the next message: picked with the paperclip,
// dropped on the message list or pasted into the composer (pendingView.js
// hears those). Each is uploaded
// at once (with its progress on the strip, pendingView.js) and measured
// (media.js); take() waits for the uploads and hands the Chat what
// Room.send needs. A refused upload stays on the strip, marked, until it
// is removed.
import { imageSize, mediaSize, thumbnailUrl, kindOf } from './media.js';
import { showError } from './views/errorView.js';
import { PendingView } from './views/pendingView.js';

const kMaxFiles = 10;  // per message (docs/protocol.md)
// What a refused upload means to the person sending it.
const kUploadWords = {
  too_large: (name) => `${name} is too large to send.`,
  quota_exceeded: (name) => `${name} was not sent: your storage for files is full.`,
  unsupported_media_type: (name) => `${name} cannot be sent: its contents do not match its type.`,
  network: (name) => `${name} was not sent: cannot reach the server.`,
};

export class Attachments {
  // upload(file, {name, contentType, onProgress, signal}): the SDK's upload.
  constructor(upload) {
    this.upload = upload;
    this.items = [];  // {key, file, name, type, thumbnail, progress, reply, error, measured, done, abort, taken}
    this.nextKey = 1;
    this.view = new PendingView({
      onFiles: (files) => { if (this.enabled) this.add(files); },
      onRemove: (key) => this.remove(key),
    });
    this.enabled = false;
  }

  // The files for the next message (not those a message sent already waits for).
  get count() {
    return this.items.filter((item) => !item.taken).length;
  }

  enable(enabled) {
    this.enabled = enabled;
    this.view.enable(enabled);
    if (!enabled) this.clear();
  }

  add(files) {
    for (const file of files) {
      if (this.items.length >= kMaxFiles) {
        showError('too_many_files', `At most ${kMaxFiles} files go in one message.`);
        break;
      }
      const item = {
        key: this.nextKey++,
        file,
        name: file.name || 'pasted',
        type: file.type || 'application/octet-stream',
        thumbnail: null,
        progress: 0,
        reply: null,
        error: null,
        abort: new AbortController(),
      };
      item.measured = item.type.startsWith('image/') ? imageSize(file) : Promise.resolve({});
      item.done = this.start(item);
      this.items.push(item);
      thumbnailUrl(file).then((url) => {
        item.thumbnail = url;
        if (url && this.items.includes(item)) this.view.render(this.items);
      });
    }
    this.view.render(this.items);
  }

  async start(item) {
    try {
      item.reply = await this.upload(item.file, {
        name: item.name,
        contentType: item.type,
        signal: item.abort.signal,
        onProgress: (sent, total) => {
          item.progress = total > 0 ? sent / total : 0;
          this.view.progress(item);
        },
      });
      item.progress = 1;
      if (!item.type.startsWith('image/')) item.measured = mediaSize(item.reply.content_type, item.reply.url);
    } catch (error) {
      if (error.code === 'aborted') return;
      item.error = error;
      reportUpload(error, item.name);
    }
    this.view.render(this.items);
  }

  remove(key) {
    const item = this.items.find((i) => i.key === key);
    if (!item) return;
    item.abort.abort();
    this.items = this.items.filter((i) => i !== item);
    this.view.render(this.items);
  }

  clear() {
    for (const item of [...this.items]) this.remove(item.key);
  }

  // Waits for every upload; resolves with {kind, attachments} for
  // Room.send and empties the strip, or with null (nothing taken) when an
  // upload failed or the strip changed meanwhile.
  async take() {
    const items = this.items.filter((item) => !item.taken);
    for (const item of items) item.taken = true;
    this.view.sending(true);
    await Promise.all(items.map((item) => item.done));
    this.view.sending(false);
    for (const item of items) item.taken = false;
    const failed = items.find((item) => item.error);
    if (failed || items.some((item) => !this.items.includes(item))) {
      if (failed) showError(`upload_${failed.error.code}`, `${failed.name} could not be uploaded: remove it to send the rest.`);
      return null;
    }
    const attachments = [];
    for (const item of items) attachments.push(attachmentOf(item.reply, await item.measured));
    for (const item of items) this.remove(item.key);
    return { kind: kindOf(attachments.map((a) => a.content_type)), attachments };
  }

  // A recorded voice message uploaded: {kind: 'voice', attachments}, or
  // null when the upload failed (said on the page).
  async voice(blob, durationMs) {
    const name = `voice-${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}.${blob.type.split('/')[1] || 'webm'}`;
    try {
      const reply = await this.upload(blob, { name, contentType: blob.type });
      return { kind: 'voice', attachments: [attachmentOf(reply, { duration_ms: durationMs })] };
    } catch (error) {
      reportUpload(error, 'The voice message');
      return null;
    }
  }
}

// Says on the page why the upload of `name` failed (data-code upload_CODE).
function reportUpload(error, name) {
  showError(`upload_${error.code}`, kUploadWords[error.code]?.(name) ?? `${name} was not sent: ${error.message}`);
}

// An upload's answer as a message's attachment (Room.send sends file_id
// and the measurements; the rest shows my message before the server's copy).
function attachmentOf(reply, measured) {
  const { id, name, size, content_type: contentType, url } = reply;
  return { file_id: id, name, size, content_type: contentType, url, ...measured };
}
