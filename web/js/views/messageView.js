// One message as an <li data-testid="message">: the author's avatar, name
// and time, its files (attachmentView.js), the text with its links,
// reactions, and the actions this user may take on it (data-action: edit
// and delete on one's own, react on anyone's). A call's log entry (kind
// `call`) is one centred line instead. The list (messageListView.js)
// handles the clicks.
import { el } from '../dom.js';
import { displayName } from '../rooms.js';
import { clockTime, fullTime, duration } from '../format.js';
import { linkify } from '../linkify.js';
import { renderAttachments } from './attachmentView.js';
import { renderAvatar } from './avatarView.js';

export const kQuickEmoji = ['👍', '❤️', '😂', '🎉'];

// A call's outcome in words (docs/protocol.md, call log).
const kCallOutcomes = { missed: 'Missed call', rejected: 'Call declined', busy: 'Busy', failed: 'Call failed' };

export function renderMessage(message, state, me) {
  if (message.kind === 'call' && message.call && !message.deleted) return renderCallLog(message);
  const mine = me && (state === 'pending' || message.user_id === me.id);
  const author = state === 'pending' ? me : message.user;
  const meta = el('div', { className: 'meta' },
    renderAvatar(author),
    el('span', { className: 'author', text: author ? displayName(author) : `user ${message.user_id}` }),
    timeOf(message),
    message.edited_at && !message.deleted
      ? el('span', { className: 'mark edited', text: '(edited)', attrs: { title: fullTime(message.edited_at) } }) : null,
    state === 'pending' ? el('span', { className: 'mark pending', text: 'sending…' }) : null,
    mine && state === 'sent' && !message.deleted ? ticks(message) : null);
  const body = message.deleted
    ? el('p', { className: 'content deleted', text: 'message deleted' })
    : el('p', { className: 'content', attrs: { hidden: message.content === '' && message.attachments?.length > 0 } },
         ...linkify(message.content));
  const live = state === 'sent' && !message.deleted;
  return el('li', {
    className: `message${mine ? ' mine' : ''}`,
    testid: 'message',
    attrs: {
      'data-seq': state === 'sent' ? message.seq : null,
      'data-state': state,
      'data-message-id': message.id,
      'data-user-id': mine ? me.id : message.user_id,
      'data-created-at': message.created_at,
      'data-deleted': message.deleted ? 'true' : null,
      'data-kind': message.kind || 'text',
    },
  }, meta, message.deleted ? null : renderAttachments(message), body, live ? reactions(message) : null,
  live ? actions(mine) : null);
}

function timeOf(message) {
  return el('time', {
    className: 'time',
    text: clockTime(message.created_at),
    attrs: { datetime: new Date(message.created_at).toISOString(), title: fullTime(message.created_at) },
  });
}

// "📞 Call · 2:31", "🎥 Missed call"...: what became of a call, centred.
function renderCallLog(message) {
  const { outcome, duration_ms: ms, video } = message.call;
  const words = outcome === 'completed' ? `Call · ${duration(ms || 0)}` : kCallOutcomes[outcome] || 'Call';
  return el('li', {
    className: `message call-log${outcome === 'completed' ? '' : ' call-unanswered'}`,
    testid: 'message',
    attrs: {
      'data-seq': message.seq,
      'data-state': 'sent',
      'data-message-id': message.id,
      'data-user-id': message.user_id,
      'data-created-at': message.created_at,
      'data-kind': 'call',
      'data-outcome': outcome,
    },
  }, el('p', { className: 'content call-line', testid: 'call-log' },
        el('span', { className: 'call-icon', text: video ? '🎥' : '📞', attrs: { 'aria-label': video ? 'Video call' : 'Call' } }),
        ` ${words} `, timeOf(message)));
}

// My message's delivery status: sent (stored), delivered (someone else's
// client received it), read (someone read it).
function ticks(message) {
  const receipt = message.read_count > 0 ? 'read' : message.delivered_count > 0 ? 'delivered' : 'sent';
  const title = { sent: 'Sent', delivered: 'Delivered', read: 'Read' }[receipt];
  return el('span', {
    className: 'mark ticks',
    testid: 'ticks',
    text: receipt === 'sent' ? '✓' : '✓✓',
    attrs: { 'data-receipt': receipt, title, 'aria-label': title },
  });
}

// The reactions as buttons: choosing one toggles mine.
function reactions(message) {
  if (!message.reactions || message.reactions.length === 0) return null;
  return el('ul', { className: 'reactions', attrs: { 'aria-label': 'Reactions' } },
    ...message.reactions.map((r) => el('li', {}, el('button', {
      className: 'reaction',
      testid: 'reaction',
      text: `${r.emoji} ${r.count}`,
      attrs: { type: 'button', 'data-action': 'react', 'data-emoji': r.emoji, 'aria-label': `${r.emoji} ${r.count}, toggle mine` },
    }))));
}

function actions(mine) {
  const button = (action, text, label, emoji) => el('button', {
    className: 'action',
    testid: action === 'react' ? 'react' : action,
    text,
    attrs: { type: 'button', 'data-action': action, 'data-emoji': emoji, 'aria-label': label },
  });
  return el('div', { className: 'actions' },
    ...kQuickEmoji.map((emoji) => button('react', emoji, `React ${emoji}`, emoji)),
    mine ? button('edit', 'Edit', 'Edit message') : null,
    mine ? button('delete', 'Delete', 'Delete message') : null);
}

// The inline editor that replaces a message's text: Enter (or Save) keeps,
// Escape (or Cancel) goes back.
export function renderEditor(content, onSave, onCancel) {
  const input = el('textarea', { className: 'edit-input', testid: 'edit-input', attrs: { rows: 2, 'aria-label': 'Edit message' } });
  input.value = content;
  const form = el('form', { className: 'editor', testid: 'editor' }, input,
    el('button', { text: 'Save', testid: 'edit-save', attrs: { type: 'submit' } }),
    el('button', { text: 'Cancel', testid: 'edit-cancel', className: 'secondary', attrs: { type: 'button' } }));
  const save = () => {
    const text = input.value;
    if (text.trim() === '' || text === content) onCancel();
    else onSave(text);
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    save();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      save();
    } else if (event.key === 'Escape') {
      onCancel();
    }
  });
  form.querySelector('[data-testid="edit-cancel"]').addEventListener('click', onCancel);
  return form;
}
