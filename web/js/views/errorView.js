// The one error banner (data-testid="error"): the newest problem, in words,
// with the server's code in data-code. Hidden again after a while or when
// dismissed.
import { byTestId } from '../dom.js';

const kHideAfterMs = 15000;
const kWords = {
  too_large: 'That message is too long to send.',
  rate_limited: 'You are sending too fast; the message will be retried in a moment.',
  not_member: 'You are not a member of that room.',
  unavailable: 'The server could not store that just now; retrying.',
  network: 'Cannot reach the server.',
};

let hideTimer = null;

export function showError(code, message) {
  const banner = byTestId('error');
  const words = kWords[code];
  document.getElementById('error-text').textContent = words ? `${words} (${message || code})` : message || code;
  banner.dataset.code = code;
  banner.hidden = false;
  clearTimeout(hideTimer);
  hideTimer = setTimeout(hideError, kHideAfterMs);
}

export function hideError() {
  const banner = byTestId('error');
  banner.hidden = true;
  delete banner.dataset.code;
  document.getElementById('error-text').textContent = '';
}

export function wireErrorBanner() {
  document.getElementById('error-close').addEventListener('click', hideError);
}
