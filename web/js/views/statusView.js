// The connection indicator: data-state is connected | reconnecting | offline.
import { byTestId } from '../dom.js';

const kLabels = { connected: 'Connected', reconnecting: 'Reconnecting…', offline: 'Offline' };

export function showConnection(state) {
  const node = byTestId('connection-status');
  node.dataset.state = state;
  node.textContent = kLabels[state] || state;
}
