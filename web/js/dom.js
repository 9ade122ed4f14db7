// Building DOM nodes. Text only ever goes in through textContent, so nothing a
// user typed (a message, a name) can become markup.

// el('li', {className: 'x', text: 'hi', testid: 'message', attrs: {'data-seq': 4}}, ...children)
export function el(tag, options = {}, ...children) {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = String(options.text);
  if (options.testid) node.dataset.testid = options.testid;
  for (const [name, value] of Object.entries(options.attrs || {})) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

// A <button type="button"> showing `text` (an icon), with `label` as its
// name for screen readers and its tooltip.
export function iconButton(className, testid, text, label) {
  return el('button', { className, testid, text, attrs: { type: 'button', 'aria-label': label, title: label } });
}

export function byTestId(id, root = document) {
  return root.querySelector(`[data-testid="${id}"]`);
}

export function clear(node) {
  node.replaceChildren();
}
