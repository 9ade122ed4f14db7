// Message text as DOM nodes with its http(s) URLs as links. Text goes in
// only through text nodes; an href is set only when the URL parses with an
// http: or https: scheme, and every link opens in a new tab that cannot
// reach back to this one (rel="noopener noreferrer").

const kUrl = /\bhttps?:\/\/[^\s<>"']+/gi;
// Punctuation that ends a sentence more often than a URL.
const kTrailing = /[.,;:!?)\]}'"]+$/;

export function linkify(text) {
  const nodes = [];
  let from = 0;
  for (const match of text.matchAll(kUrl)) {
    const url = match[0].replace(kTrailing, '');
    const href = safeHref(url);
    if (!href) continue;
    if (match.index > from) nodes.push(document.createTextNode(text.slice(from, match.index)));
    const link = document.createElement('a');
    link.href = href;
    link.textContent = url;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    nodes.push(link);
    from = match.index + url.length;
  }
  if (from < text.length) nodes.push(document.createTextNode(text.slice(from)));
  return nodes;
}

function safeHref(text) {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
