// The open room's messages, oldest at the top: one <li data-testid="message">
// per message, with data-seq and data-state (pending until the server's ack,
// then sent). Pending messages stay below the sent ones. The list follows new
// messages while it is scrolled to the bottom; scrolling to the top asks for
// older ones (onWantOlder).
import { el } from '../dom.js';
import { displayName } from '../rooms.js';
import { clockTime, fullTime } from '../format.js';

const kNearTopPx = 48;
const kNearBottomPx = 64;

export class MessageListView {
  constructor(onWantOlder) {
    this.scroller = document.getElementById('message-list');
    this.list = document.getElementById('messages');
    this.olderButton = document.getElementById('load-older');
    this.nodes = new Map();  // 's' + seq or 'c' + client_id -> <li>
    this.me = null;
    this.hasOlder = false;
    this.onWantOlder = onWantOlder;
    this.scroller.addEventListener('scroll', () => {
      if (this.hasOlder && this.scroller.scrollTop < kNearTopPx) this.onWantOlder();
    });
    this.olderButton.addEventListener('click', () => this.onWantOlder());
  }

  // Draws a room from scratch: its sent messages, then its pending ones.
  show(me, messages, pending) {
    this.me = me;
    this.nodes.clear();
    this.list.replaceChildren();
    for (const message of messages) this.place(message, 'sent');
    for (const entry of pending) this.place(entry, 'pending');
    this.scrollToBottom();
  }

  clearAll() {
    this.nodes.clear();
    this.list.replaceChildren();
    this.setHasOlder(false);
  }

  setHasOlder(hasOlder) {
    this.hasOlder = hasOlder;
    this.olderButton.hidden = !hasOlder;
  }

  // A message with a seq (sent), or an outbox entry (pending). A sent message
  // whose client_id matches a pending one replaces it.
  upsert(message, state) {
    const follow = this.isNearBottom() || state === 'pending';
    this.place(message, state);
    if (follow) this.scrollToBottom();
  }

  removePending(clientId) {
    const node = this.nodes.get('c' + clientId);
    if (node) {
      node.remove();
      this.nodes.delete('c' + clientId);
    }
  }

  // Older messages (ascending) go on top without moving what the reader sees.
  prepend(messages) {
    const before = this.scroller.scrollHeight;
    const first = this.list.firstChild;
    for (const message of messages) {
      if (this.nodes.has('s' + message.seq)) continue;
      const node = this.render(message, 'sent');
      this.nodes.set('s' + message.seq, node);
      this.list.insertBefore(node, first);
    }
    this.scroller.scrollTop += this.scroller.scrollHeight - before;
  }

  place(message, state) {
    const pendingKey = message.client_id ? 'c' + message.client_id : null;
    if (state === 'sent' && pendingKey && this.nodes.has(pendingKey)) {
      this.nodes.get(pendingKey).remove();  // moves to its place among the sent ones
      this.nodes.delete(pendingKey);
    }
    const key = state === 'pending' ? pendingKey : 's' + message.seq;
    const node = this.render(message, state);
    const old = this.nodes.get(key);
    this.nodes.set(key, node);
    if (old) {
      old.replaceWith(node);
      return;
    }
    if (state === 'pending') {
      this.list.append(node);
      return;
    }
    // After the last sent message with a lower seq (usually the very last).
    let after = this.list.lastElementChild;
    while (after && (after.dataset.state === 'pending' || Number(after.dataset.seq) > message.seq)) {
      after = after.previousElementSibling;
    }
    if (after) after.after(node);
    else this.list.prepend(node);
  }

  render(message, state) {
    const mine = this.me && (state === 'pending' || message.user_id === this.me.id);
    const author = state === 'pending' ? this.me : message.user;
    const time = el('time', {
      className: 'time',
      text: clockTime(message.created_at),
      attrs: { datetime: new Date(message.created_at).toISOString(), title: fullTime(message.created_at) },
    });
    const meta = el('div', { className: 'meta' },
      el('span', { className: 'author', text: author ? displayName(author) : `user ${message.user_id}` }),
      time,
      message.edited_at && !message.deleted
        ? el('span', { className: 'mark edited', text: '(edited)', attrs: { title: fullTime(message.edited_at) } }) : null,
      state === 'pending' ? el('span', { className: 'mark pending', text: 'sending…' }) : null);
    const body = message.deleted
      ? el('p', { className: 'content deleted', text: 'message deleted' })
      : el('p', { className: 'content', text: message.content });
    let reactions = null;
    if (message.reactions && message.reactions.length) {
      reactions = el('ul', { className: 'reactions', attrs: { 'aria-label': 'Reactions' } },
        ...message.reactions.map((r) => el('li', { text: `${r.emoji} ${r.count}` })));
    }
    return el('li', {
      className: `message${mine ? ' mine' : ''}`,
      testid: 'message',
      attrs: {
        'data-seq': state === 'sent' ? message.seq : null,
        'data-state': state,
        'data-message-id': message.id,
        'data-deleted': message.deleted ? 'true' : null,
      },
    }, meta, body, reactions);
  }

  isNearBottom() {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < kNearBottomPx;
  }

  scrollToBottom() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }
}
