// The strip above the composer (data-testid="pending-attachments"): each
// file waiting to go with the next message (data-testid="pending-attachment",
// data-state uploading | ready | failed) as a thumbnail or a card, its
// upload's progress, and a button that removes it.
import { el, clear, iconButton } from '../dom.js';
import { fileSize } from '../format.js';

export class PendingView {
  // onRemove(key): the person removed that file.
  constructor(onRemove) {
    this.strip = document.getElementById('pending-attachments');
    this.onRemove = onRemove;
    this.bars = new Map();  // key -> <progress>
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
