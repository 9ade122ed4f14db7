// A voice message (or any audio file) as a player: play/pause, a seek bar
// and the time (played / length), over an <audio> element. The length is
// the attachment's duration_ms: a recording's WebM often declares none.
import { el, iconButton } from '../dom.js';
import { duration } from '../format.js';

// src: where to fetch it; withFallback(audio, file): retries another url on error.
export function renderVoicePlayer(file, src, withFallback) {
  const audio = withFallback(el('audio', { attrs: { src, preload: 'metadata' } }), file);
  const play = iconButton('voice-play', 'voice-play', '▶', 'Play voice message');
  const seek = el('input', {
    className: 'voice-seek',
    testid: 'voice-seek',
    attrs: { type: 'range', min: 0, max: 1000, value: 0, step: 1, 'aria-label': 'Position' },
  });
  const time = el('span', { className: 'voice-time', testid: 'voice-time' });
  const lengthS = () => (file.duration_ms > 0 ? file.duration_ms / 1000 : Number.isFinite(audio.duration) ? audio.duration : 0);
  const show = () => {
    const total = lengthS();
    time.textContent = audio.currentTime > 0 ? `${duration(audio.currentTime * 1000)} / ${duration(total * 1000)}`
                                             : duration(total * 1000);
    if (total > 0 && document.activeElement !== seek) seek.value = String(Math.min(1000, Math.round(audio.currentTime / total * 1000)));
  };
  const playing = (on) => {
    play.textContent = on ? '⏸' : '▶';
    play.title = on ? 'Pause voice message' : 'Play voice message';
    play.setAttribute('aria-label', play.title);
  };
  play.addEventListener('click', () => {
    if (audio.paused) audio.play().catch(() => playing(false));
    else audio.pause();
  });
  seek.addEventListener('input', () => {
    const total = lengthS();
    if (total > 0) audio.currentTime = Number(seek.value) / 1000 * total;
  });
  audio.addEventListener('play', () => playing(true));
  audio.addEventListener('pause', () => playing(false));
  audio.addEventListener('ended', () => {
    playing(false);
    seek.value = '0';
  });
  for (const event of ['timeupdate', 'loadedmetadata', 'durationchange']) audio.addEventListener(event, show);
  show();
  return el('div', { className: 'voice', testid: 'voice' }, play, seek, time, audio);
}
