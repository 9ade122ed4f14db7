// "X is typing…" under the messages of the open room.
import { displayName } from '../rooms.js';

export function renderTyping(users) {
  const names = users.map(displayName).sort();
  const node = document.getElementById('typing');
  if (names.length === 0) node.textContent = '';
  else if (names.length === 1) node.textContent = `${names[0]} is typing…`;
  else if (names.length <= 3) node.textContent = `${names.join(', ')} are typing…`;
  else node.textContent = 'Several people are typing…';
}
