// The connection indicator: data-state is connected (over the WebSocket) |
// polling (no WebSocket: the session over HTTP long-polling) | reconnecting | offline.
import { byTestId } from '../dom.js';

const kLabels = {
  connected: 'Connected',
  polling: 'Connected (long-polling)',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

export function showConnection(state) {
  const node = byTestId('connection-status');
  node.dataset.state = state;
  node.textContent = kLabels[state] || state;
}
