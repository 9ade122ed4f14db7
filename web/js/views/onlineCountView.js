// The header's count of users online on the server (GET /api/v1/online),
// read at each welcome (the user is online from then) and every 30 s.
import { byTestId } from '../dom.js';

const kEveryMs = 30_000;

// Starts counting with `api`; answers {read(): now, stop(): and hide it}.
export function watchOnlineCount(api) {
  const node = byTestId('online-count');
  let stopped = false;
  const read = async () => {
    try {
      const count = await api.onlineCount();
      if (stopped) return;
      node.textContent = `${count} online`;
      node.hidden = false;
    } catch {
      // kept as it was: the connection indicator says what is wrong
    }
  };
  const timer = setInterval(read, kEveryMs);
  return {
    read,
    stop() {
      stopped = true;
      clearInterval(timer);
      node.hidden = true;
    },
  };
}
