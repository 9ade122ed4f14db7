// The lightbox (data-testid="lightbox"): one image at full size over the
// page, with a download link. Esc, the close button or a click beside the
// image closes it; the keyboard's focus goes back where it was.
import { el, iconButton } from '../dom.js';

let box = null;
let returnFocus = null;

// image: {src, name, downloadUrl}.
export function openLightbox({ src, name, downloadUrl }) {
  closeLightbox();
  returnFocus = document.activeElement;
  const close = iconButton('lightbox-close', 'lightbox-close', '×', 'Close (Esc)');
  const download = el('a', {
    className: 'lightbox-download',
    testid: 'lightbox-download',
    text: 'Download',
    attrs: { href: downloadUrl, download: name || 'image' },
  });
  const image = el('img', { className: 'lightbox-image', testid: 'lightbox-image', attrs: { src, alt: name || 'image' } });
  box = el('div', {
    className: 'lightbox',
    testid: 'lightbox',
    attrs: { role: 'dialog', 'aria-modal': 'true', 'aria-label': name || 'Image', tabindex: '-1' },
  }, el('div', { className: 'lightbox-bar' }, el('span', { className: 'lightbox-name', text: name || '' }), download, close), image);
  box.addEventListener('click', (event) => {
    if (event.target === box || event.target === close) closeLightbox();
  });
  document.addEventListener('keydown', escapeCloses);
  document.body.append(box);
  close.focus();
}

function escapeCloses(event) {
  if (event.key === 'Escape') closeLightbox();
}

export function closeLightbox() {
  if (!box) return;
  document.removeEventListener('keydown', escapeCloses);
  box.remove();
  box = null;
  returnFocus?.focus?.();
  returnFocus = null;
}
