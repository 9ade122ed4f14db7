// The open room's messages, oldest at the top: one <li data-testid="message">
// per message (messageView.js), with data-seq and data-state (pending until
// the server's ack, then sent). Pending messages stay below the sent ones.
// Between them: a day separator where the day changes, the unread marker
// line before the first message that was unread when the room was opened,
// and messages by the same author within the same minute grouped under one
// header (a call's log line stands alone). The list follows new messages
// while it is scrolled to the bottom; scrolling to the top asks for older
// ones. actions: onWantOlder(), onEdit(seq, content), onDelete(seq),
// onReact(seq, emoji).
import { el } from '../dom.js';
import { dayLabel } from '../format.js';
import { renderMessage, renderEditor } from './messageView.js';

const kNearTopPx = 48;
const kNearBottomPx = 64;
const kMinuteMs = 60000;

export class MessageListView {
  constructor(actions) {
    this.scroller = document.getElementById('message-list');
    this.list = document.getElementById('messages');
    this.olderButton = document.getElementById('load-older');
    this.empty = document.getElementById('empty-messages');
    this.nodes = new Map();  // 's' + seq or 'c' + client_id -> <li>
    this.me = null;
    this.hasOlder = false;
    this.loaded = false;  // the room's newest page is shown: no messages means an empty room
    this.unreadAfter = null;  // the read mark when the room was opened, while something was unread
    this.actions = actions;
    this.scroller.addEventListener('scroll', () => {
      if (this.hasOlder && this.scroller.scrollTop < kNearTopPx) this.actions.onWantOlder();
    });
    this.olderButton.addEventListener('click', () => this.actions.onWantOlder());
    this.list.addEventListener('click', (event) => this.clicked(event));
  }

  // Draws a room from scratch: its sent messages, then its pending ones.
  // options: loaded (the messages are the room's newest), unreadAfter.
  show(me, messages, pending, { loaded = false, unreadAfter = null } = {}) {
    this.me = me;
    this.loaded = loaded;
    this.unreadAfter = unreadAfter;
    this.nodes.clear();
    this.list.replaceChildren();
    for (const message of messages) this.place(message, 'sent');
    for (const entry of pending) this.place(entry, 'pending');
    this.decorate();
    this.scrollToBottom();
  }

  clearAll() {
    this.nodes.clear();
    this.list.replaceChildren();
    this.loaded = false;
    this.decorate();
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
    this.decorate();
    if (follow) this.scrollToBottom();
  }

  removePending(clientId) {
    const node = this.nodes.get('c' + clientId);
    if (node) {
      node.remove();
      this.nodes.delete('c' + clientId);
      this.decorate();
    }
  }

  // Older messages (ascending) go on top without moving what the reader sees.
  prepend(messages) {
    const before = this.scroller.scrollHeight;
    const first = this.list.firstChild;
    for (const message of messages) {
      if (this.nodes.has('s' + message.seq)) continue;
      const node = renderMessage(message, 'sent', this.me);
      node.message = message;
      this.nodes.set('s' + message.seq, node);
      this.list.insertBefore(node, first);
    }
    this.decorate();
    this.scroller.scrollTop += this.scroller.scrollHeight - before;
  }

  place(message, state) {
    const pendingKey = message.client_id ? 'c' + message.client_id : null;
    if (state === 'sent' && pendingKey && this.nodes.has(pendingKey)) {
      this.nodes.get(pendingKey).remove();  // moves to its place among the sent ones
      this.nodes.delete(pendingKey);
    }
    const key = state === 'pending' ? pendingKey : 's' + message.seq;
    const node = renderMessage(message, state, this.me);
    node.message = message;
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
    while (after && (!after.message || after.dataset.state === 'pending' || after.message.seq > message.seq)) {
      after = after.previousElementSibling;
    }
    if (after) after.after(node);
    else this.list.prepend(node);
  }

  // Redraws what lies between the messages: day separators, the unread
  // marker, grouping; and the empty state.
  decorate() {
    for (const node of [...this.list.children]) if (!node.message) node.remove();
    let previous = null;
    let markerPlaced = false;
    for (const node of [...this.list.children]) {
      const message = node.message;
      const pending = node.dataset.state === 'pending';
      const day = dayLabel(message.created_at);
      const newDay = !previous || dayLabel(previous.message.created_at) !== day;
      if (newDay) node.before(el('li', { className: 'day-separator', testid: 'day-separator', text: day, attrs: { role: 'separator' } }));
      const unreadStart = !markerPlaced && !pending && this.unreadAfter !== null && message.seq > this.unreadAfter
        && node.dataset.userId !== String(this.me?.id);
      if (unreadStart) {
        node.before(el('li', { className: 'unread-marker', testid: 'unread-marker', text: 'New messages', attrs: { role: 'separator' } }));
        markerPlaced = true;
      }
      const grouped = !newDay && !unreadStart && previous && previous.dataset.userId === node.dataset.userId
        && previous.dataset.kind !== 'call' && node.dataset.kind !== 'call'
        && Math.floor(previous.message.created_at / kMinuteMs) === Math.floor(message.created_at / kMinuteMs);
      node.classList.toggle('grouped', Boolean(grouped));
      previous = node;
    }
    this.empty.hidden = !this.loaded || this.nodes.size > 0;
  }

  clicked(event) {
    const button = event.target.closest('button[data-action]');
    const node = button?.closest('[data-testid="message"]');
    if (!node || !node.message || node.dataset.state !== 'sent') return;
    const seq = node.message.seq;
    const action = button.dataset.action;
    if (action === 'react') this.actions.onReact(seq, button.dataset.emoji);
    else if (action === 'edit') this.edit(node);
    else if (action === 'delete' && button.dataset.confirm) this.actions.onDelete(seq);
    else if (action === 'delete') {
      button.dataset.confirm = 'true';
      button.textContent = 'Delete?';
      button.setAttribute('aria-label', 'Really delete this message?');
    }
  }

  edit(node) {
    const body = node.querySelector('.content');
    const seq = node.message.seq;
    const cancel = () => {
      editor.replaceWith(body);
      this.scroller.focus();
    };
    const editor = renderEditor(node.message.content, (content) => {
      cancel();
      this.actions.onEdit(seq, content);
    }, cancel);
    body.replaceWith(editor);
    editor.querySelector('textarea').focus();
  }

  isNearBottom() {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < kNearBottomPx;
  }

  scrollToBottom() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }
}
