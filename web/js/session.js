// What survives a reload of the tab, and only of this tab: the token, the
// signed-in user, and the messages not yet acknowledged (sessionStorage).

const kToken = 'chatd.token';
const kUser = 'chatd.user';
const kOutbox = 'chatd.outbox';

function read(key) {
  try {
    return JSON.parse(sessionStorage.getItem(key));
  } catch {
    return null;
  }
}

export const session = {
  get token() {
    return sessionStorage.getItem(kToken);
  },
  get user() {
    return read(kUser);
  },
  signIn(token, user) {
    sessionStorage.setItem(kToken, token);
    sessionStorage.setItem(kUser, JSON.stringify(user));
  },
  signOut() {
    sessionStorage.removeItem(kToken);
    sessionStorage.removeItem(kUser);
    sessionStorage.removeItem(kOutbox);
  },
  loadOutbox() {
    const saved = read(kOutbox);
    return Array.isArray(saved) ? saved : [];
  },
  saveOutbox(entries) {
    sessionStorage.setItem(kOutbox, JSON.stringify(entries));
  },
};
