// A message's files (docs/protocol.md, attachments): images as previews that
// open the lightbox, videos with controls, voice messages as a player
// (voicePlayer.js), anything else as a card with its name, size and a
// download link. Each file is fetched by its signed url; once that has
// expired (or fails), by /files/ID?token=TOKEN, which works for the members
// of the rooms it was posted in.
import { el } from '../dom.js';
import { fileSize } from '../format.js';
import { session } from '../session.js';
import { openLightbox } from './lightbox.js';
import { renderVoicePlayer } from './voicePlayer.js';

const kPreviewBox = { width: 320, height: 240 };
const kExpiryMarginS = 30;

export function renderAttachments(message) {
  const files = message.attachments;
  if (!Array.isArray(files) || files.length === 0) return null;
  return el('div', { className: 'attachments', testid: 'attachments' }, ...files.map((file) => renderAttachment(file, message)));
}

function renderAttachment(file, message) {
  const type = file.content_type || '';
  if (message.kind === 'voice' || type.startsWith('audio/')) return renderVoicePlayer(file, fileUrl(file), withFallback);
  if (type.startsWith('image/')) return renderImage(file);
  if (type.startsWith('video/')) return renderVideo(file);
  return renderFileCard(file);
}

// The signed url while it is good, else the token one.
export function fileUrl(file) {
  const exp = Number(/[?&]exp=(\d+)/.exec(file.url || '')?.[1]);
  if (file.url && exp - kExpiryMarginS > Date.now() / 1000) return file.url;
  return tokenUrl(file);
}

function tokenUrl(file) {
  return `/files/${encodeURIComponent(file.file_id)}?token=${encodeURIComponent(session.token || '')}`;
}

// A media element (img, video, audio) that could not load its url tries the token one, once.
function withFallback(node, file) {
  node.addEventListener('error', () => {
    const fallback = tokenUrl(file);
    if (node.getAttribute('src') !== fallback) node.src = fallback;
  });
  return node;
}

function renderImage(file) {
  const { width, height } = previewSize(file);
  const img = withFallback(el('img', {
    className: 'attachment-image',
    attrs: { src: fileUrl(file), alt: file.name || 'image', loading: 'lazy', width, height, decoding: 'async' },
  }), file);
  const button = el('button', {
    className: 'attachment-preview',
    testid: 'attachment-image',
    attrs: { type: 'button', title: `Open ${file.name || 'image'}`, 'aria-label': `Open image ${file.name || ''}`.trim() },
  }, img);
  button.addEventListener('click', () => openLightbox({ src: img.currentSrc || img.src, name: file.name, downloadUrl: fileUrl(file) }));
  return button;
}

// Fits the image's size (when known) in the preview box, keeping its shape.
function previewSize(file) {
  if (!(file.width > 0 && file.height > 0)) return {};
  const scale = Math.min(1, kPreviewBox.width / file.width, kPreviewBox.height / file.height);
  return { width: Math.round(file.width * scale), height: Math.round(file.height * scale) };
}

function renderVideo(file) {
  return withFallback(el('video', {
    className: 'attachment-video',
    testid: 'attachment-video',
    attrs: { src: fileUrl(file), controls: true, preload: 'metadata', playsinline: true, 'aria-label': file.name || 'video' },
  }), file);
}

function renderFileCard(file) {
  const link = el('a', {
    className: 'file-download',
    testid: 'file-download',
    text: 'Download',
    attrs: { href: fileUrl(file), download: file.name || 'file', 'aria-label': `Download ${file.name || 'file'}` },
  });
  link.addEventListener('click', () => { link.href = fileUrl(file); });  // the signed url may have expired since
  return el('div', { className: 'file-card', testid: 'file-card' },
    el('span', { className: 'file-icon', text: '📄', attrs: { 'aria-hidden': 'true' } }),
    el('span', { className: 'file-name', text: file.name || 'file', attrs: { title: file.name || '' } }),
    el('span', { className: 'file-size', text: file.size !== undefined ? fileSize(file.size) : '' }),
    link);
}
