// The room list: one button per room (data-testid="room-item", data-room-id,
// data-unread), the open one marked aria-current.
import { el, clear } from '../dom.js';

const kKindMarks = { public: '#', private: '#', direct: '@' };

export function renderRoomList(rooms, openId, me, onOpen) {
  const list = document.getElementById('room-list');
  const focused = list.contains(document.activeElement) ? document.activeElement.dataset.roomId : undefined;
  clear(list);
  document.getElementById('empty-rooms').hidden = rooms.length > 0;
  for (const room of rooms) {
    const unread = room.id === openId ? 0 : room.unread;
    const spoken = [room.title(me)];
    if (room.kind !== 'public') spoken.push(room.kind);
    if (unread) spoken.push(`${unread} unread`);
    if (!room.role) spoken.push('not joined');
    const button = el('button', {
      className: 'room-item',
      testid: 'room-item',
      attrs: {
        type: 'button',
        'data-room-id': room.id,
        'data-unread': unread,
        'data-kind': room.kind,
        'aria-current': room.id === openId ? 'true' : null,
        'aria-label': spoken.join(', '),
      },
    },
    el('span', { className: 'kind', text: kKindMarks[room.kind] || '', attrs: { 'aria-hidden': 'true' } }),
    el('span', { className: 'name', text: room.title(me) }),
    room.kind === 'private' ? el('span', { className: 'tag', text: 'private', attrs: { 'aria-hidden': 'true' } }) : null,
    room.role ? null : el('span', { className: 'tag', text: 'join', attrs: { 'aria-hidden': 'true' } }),
    unread ? el('span', { className: 'unread', text: unread, attrs: { 'aria-hidden': 'true' } }) : null);
    button.addEventListener('click', () => onOpen(room.id));
    list.append(el('li', {}, button));
    if (String(room.id) === focused) button.focus();  // a redraw keeps the keyboard's place
  }
}
