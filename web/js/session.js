// What survives a reload. The token and the signed-in user are shared by
// every tab of this origin (localStorage): signing in or out in one tab does
// so in all (app.js listens for the `storage` event), and a token another
// tab got is the one the next connection uses. The messages not yet
// acknowledged belong to this tab only (sessionStorage), as its outbox does.

const kToken = 'chatd.token';
const kUser = 'chatd.user';
const kOutbox = 'chatd.outbox';

function read(storage, key) {
  try {
    return JSON.parse(storage.getItem(key));
  } catch {
    return null;
  }
}

export const session = {
  tokenKey: kToken,
  get token() {
    return localStorage.getItem(kToken);
  },
  get user() {
    return read(localStorage, kUser);
  },
  // Whether the shared token expires within `seconds` (its exp claim; a
  // token that cannot be read counts as expiring).
  expiresWithin(seconds) {
    try {
      const payload = this.token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      return JSON.parse(atob(payload)).exp - Date.now() / 1000 < seconds;
    } catch {
      return true;
    }
  },
  signIn(token, user) {
    localStorage.setItem(kUser, JSON.stringify(user));
    localStorage.setItem(kToken, token);
  },
  // Forgets the token, unless another tab has replaced it since this one
  // took it (`token`: the one this tab used).
  signOut(token) {
    sessionStorage.removeItem(kOutbox);
    if (token && localStorage.getItem(kToken) !== token) return;
    localStorage.removeItem(kToken);
    localStorage.removeItem(kUser);
  },
  loadOutbox() {
    const saved = read(sessionStorage, kOutbox);
    return Array.isArray(saved) ? saved : [];
  },
  saveOutbox(entries) {
    sessionStorage.setItem(kOutbox, JSON.stringify(entries));
  },
};
