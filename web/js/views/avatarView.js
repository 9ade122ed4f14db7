// A person's avatar (data-testid="avatar"): their picture (avatar_url), or
// their initials on a colour that follows from their id, so that everyone
// sees the same person in the same colour. The initials are drawn by CSS
// (data-initials), so they are no part of the text around them.
import { el } from '../dom.js';
import { displayName } from '../rooms.js';

export function renderAvatar(user, className = '') {
  const classes = `avatar ${className}`.trim();
  if (!user) return el('span', { className: classes, attrs: { 'aria-hidden': 'true' } });
  if (user.avatar_url) {
    return el('img', {
      className: classes,
      testid: 'avatar',
      attrs: { src: user.avatar_url, alt: '', loading: 'lazy', 'aria-hidden': 'true', 'data-user-id': user.id },
    });
  }
  const hue = (Number(user.id) * 137) % 360;  // neighbours' ids land far apart on the colour wheel
  const node = el('span', {
    className: `${classes} initials`,
    testid: 'avatar',
    attrs: { 'aria-hidden': 'true', 'data-user-id': user.id, 'data-initials': initials(displayName(user)) },
  });
  node.style.backgroundColor = `hsl(${hue} 55% 45%)`;  // a style attribute is refused by the page's CSP; CSSOM is not
  return node;
}

function initials(name) {
  const words = name.split(/[\s._-]+/).filter(Boolean);
  const letters = words.length > 1 ? words[0][0] + words[1][0] : [...name].slice(0, 2).join('');
  return letters.toUpperCase();
}
