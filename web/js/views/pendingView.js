// The strip above the composer (data-testid="pending-attachments"): each
// file waiting to go with the next message (data-testid="pending-attachment",
// data-state uploading | ready | failed) as a thumbnail or a card, its
// upload's progress, and a button that removes it. Files come from the
// paperclip's picker, a drop on the message list or a paste into the
// message box.
import { el, clear, iconButton } from '../dom.js';
import { fileSize } from '../format.js';

export class PendingView {
  // actions: onFiles(files) (picked, dropped or pasted), onRemove(key).
  constructor({ onFiles, onRemove }) {
    this.strip = document.getElementById('pending-attachments');
    this.onRemove = onRemove;
    this.bars = new Map();  // key -> <progress>
    this.attach = document.getElementById('attach');
    const picker = document.getElementById('attach-input');
    this.attach.addEventListener('click', () => picker.click());
    picker.addEventListener('change', () => {
      onFiles([...picker.files]);
      picker.value = '';
    });
    const list = document.getElementById('message-list');
    list.addEventListener('dragover', (event) => {
      if (this.attach.disabled || !event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      list.classList.add('drop-target');
    });
    list.addEventListener('dragleave', () => list.classList.remove('drop-target'));
    list.addEventListener('drop', (event) => {
      list.classList.remove('drop-target');
      if (!event.dataTransfer?.files.length) return;
      event.preventDefault();
      onFiles([...event.dataTransfer.files]);
    });
    document.getElementById('message-input').addEventListener('paste', (event) => {
      const files = [...(event.clipboardData?.files || [])];
      if (files.length === 0) return;
      event.preventDefault();
      onFiles(files);
    });
  }

  enable(enabled) {
    this.attach.disabled = !enabled;
  }

  render(items) {
    clear(this.strip);
    this.bars.clear();
    this.strip.hidden = items.length === 0;
    for (const item of items) this.strip.append(this.renderItem(item));
  }

  renderItem(item) {
    const state = item.error ? 'failed' : item.reply ? 'ready' : 'uploading';
    const thumbnail = item.thumbnail
      ? el('img', { className: 'pending-thumb', attrs: { src: item.thumbnail, alt: '' } })
      : el('span', { className: 'pending-thumb file-icon', text: item.type.startsWith('audio/') ? '🎤' : '📄', attrs: { 'aria-hidden': 'true' } });
    const bar = el('progress', { className: 'pending-progress', attrs: { max: 1, value: item.progress, 'aria-label': `Uploading ${item.name}` } });
    this.bars.set(item.key, bar);
    const remove = iconButton('pending-remove', 'pending-remove', '×', `Remove ${item.name}`);
    remove.addEventListener('click', () => this.onRemove(item.key));
    const status = item.error ? item.error.message : item.reply ? fileSize(item.reply.size) : 'uploading…';
    return el('li', { className: 'pending-attachment', testid: 'pending-attachment', attrs: { 'data-state': state, title: item.name } },
      thumbnail,
      el('span', { className: 'pending-name', text: item.name }),
      el('span', { className: 'pending-status', text: status }),
      state === 'uploading' ? bar : null,
      remove);
  }

  progress(item) {
    const bar = this.bars.get(item.key);
    if (bar) bar.value = item.progress;
  }

  // The message waits for its uploads.
  sending(on) {
    this.strip.classList.toggle('sending', on);
  }
}
