// Who is online in the open room (data-testid="online-user"), each with
// their avatar; choosing someone else opens a direct chat with them.
import { el, clear } from '../dom.js';
import { displayName } from '../rooms.js';
import { renderAvatar } from './avatarView.js';

export function renderOnline(users, me, onChoose) {
  const list = document.getElementById('online-list');
  const focused = list.contains(document.activeElement) ? document.activeElement.dataset.userId : undefined;
  clear(list);
  const sorted = [...users].sort((a, b) => displayName(a).localeCompare(displayName(b)));
  for (const user of sorted) {
    const isMe = me && user.id === me.id;
    const button = el('button', {
      className: 'online-user',
      testid: 'online-user',
      attrs: {
        type: 'button',
        'data-user-id': user.id,
        'data-username': user.username,
        disabled: isMe,
        'aria-label': isMe ? `${displayName(user)} (you)` : `Message ${displayName(user)} directly`,
      },
    }, renderAvatar(user), el('span', { className: 'name', text: isMe ? `${displayName(user)} (you)` : displayName(user) }));
    if (!isMe) button.addEventListener('click', () => onChoose(user));
    list.append(el('li', {}, button));
    if (String(user.id) === focused) button.focus();  // a redraw keeps the keyboard's place
  }
}
